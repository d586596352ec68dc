// Linux readiness APIs that the Glibc module does not export to Swift:
// epoll(7) for the HTTP server's event loops and eventfd(2) to wake them.
#ifndef CLINUXEVENTS_H
#define CLINUXEVENTS_H

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>

static const unsigned int clinux_epollin = EPOLLIN;
static const unsigned int clinux_epollout = EPOLLOUT;
static const unsigned int clinux_epollerr = EPOLLERR;
static const unsigned int clinux_epollhup = EPOLLHUP;
#endif

#endif
