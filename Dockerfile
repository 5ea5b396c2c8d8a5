# syntax=docker/dockerfile:1
# scim-bridge as one container (README: "Run on one machine"):
#
#   docker build -t scim-bridge .
#   docker run -d --name scimbridge -p 443:8443 -v scimbridge:/data scim-bridge \
#     serve --acme-domain scim.example.com --acme-email it@example.com
#   docker logs scimbridge        # the Tenant URL, and the Secret Token on the first start only

# The build: a static binary for the target platform, cross-compiled on the builder's.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/scimbridge ./cmd/scimbridge \
 && mkdir -m 0700 /out/data

# The image: the binary alone on distroless (no shell, no package manager), as an unprivileged user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/scimbridge /scimbridge
# The data directory belongs to the user, so that a new volume mounted there does too.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# The store, the Secret Token and the ACME cache: keep them in a volume.
VOLUME /data
# serve's and healthcheck's defaults. Port 8443: no privilege is needed to bind it; publish it as 443.
ENV SCIMBRIDGE_DATA=/data SCIMBRIDGE_ADDR=:8443
EXPOSE 8443
# distroless has no curl: the binary checks /healthz itself. The start period covers getting an ACME
# certificate on the first start.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["/scimbridge", "healthcheck"]
ENTRYPOINT ["/scimbridge"]
# On its own, serve refuses plain HTTP on the container's interface and says what to add:
# --acme-domain, --tls-cert and --tls-key, or --insecure-http behind a TLS-terminating proxy.
CMD ["serve"]
