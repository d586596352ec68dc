# Placeholder until the container work: builds and runs the server.
# Base images are arguments so local images can be passed with --build-arg.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product injection-safety-server \
    && bin="$(swift build -c release --show-bin-path)" \
    && mkdir -p /out \
    && cp "$bin/injection-safety-server" /out/ \
    && cp -R "$bin"/*.resources /out/

FROM ${RUNTIME_IMAGE}
# The binary and its resource bundles (knowledge base, OpenAPI document) side by side.
COPY --from=build /out/ /usr/local/bin/
RUN useradd --system --uid 10001 --no-create-home app
USER app
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/injection-safety-server"]
