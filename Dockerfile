# The injection-safety HTTP API in a slim Debian image.
#
#   docker build -t injection-safety .
#   docker run --rm -p 8080:8080 --stop-timeout 15 injection-safety
#
# Base images are arguments, declared before the first FROM, so that other
# (for example locally built) images can be passed with --build-arg.
# Keep both on the same Debian release: the binary needs the builder's glibc.
ARG BUILDER_IMAGE=docker.io/library/swift:6.3-bookworm
ARG RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${BUILDER_IMAGE} AS build
WORKDIR /build
# The build needs the manifest, the sources and the build plugin only (.dockerignore keeps the rest out).
COPY Package.swift ./
COPY Sources ./Sources
COPY Plugins ./Plugins
# The Swift runtime is linked in statically and the data files are compiled in:
# the binary needs nothing beside it but glibc, libstdc++ and libgcc_s.
RUN swift build -c release --static-swift-stdlib --product injection-safety-server \
    && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
    && install -D -m 0755 "$bin/injection-safety-server" /staging/injection-safety-server \
    && strip /staging/injection-safety-server

FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="injection-safety" \
      org.opencontainers.image.description="HTTP/1.1 JSON API: safety triage and checklists around spinal injections"
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app
COPY --from=build /staging/injection-safety-server /usr/local/bin/injection-safety-server
USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=8080 \
    LOG_FORMAT=json
EXPOSE 8080
# SIGTERM starts a graceful drain of up to DRAIN_TIMEOUT seconds (default 10):
# give the container longer than that to stop (docker stop -t / --stop-timeout).
STOPSIGNAL SIGTERM
# The binary checks itself (GET /readyz on PORT): no curl in the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/injection-safety-server", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/injection-safety-server"]
