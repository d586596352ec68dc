# Placeholder until the container work: builds and runs the server.
# Base images are arguments so local images can be passed with --build-arg.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product injection-safety-server \
    && cp "$(swift build -c release --show-bin-path)/injection-safety-server" /usr/local/bin/

FROM ${RUNTIME_IMAGE}
COPY --from=build /usr/local/bin/injection-safety-server /usr/local/bin/injection-safety-server
RUN useradd --system --uid 10001 --no-create-home app
USER app
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/injection-safety-server"]
