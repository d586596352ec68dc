// Linux readiness APIs that the Glibc module does not export to Swift:
// epoll(7) for the HTTP server's event loops, eventfd(2) to wake them, and
// prctl(2) to name their threads.
#ifndef CLINUXEVENTS_H
#define CLINUXEVENTS_H

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>

static const unsigned int clinux_epollin = EPOLLIN;
static const unsigned int clinux_epollout = EPOLLOUT;
static const unsigned int clinux_epollerr = EPOLLERR;
static const unsigned int clinux_epollhup = EPOLLHUP;

/// Names the calling thread (at most 15 bytes show), for top, perf and gdb.
static inline int clinux_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, name, 0, 0, 0);
}
#endif

#endif
