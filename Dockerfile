# Qorgau in a container, in the Vapor template's pattern: build with the Swift image, run on a
# slim one. The build stage runs scripts/bundle.sh, the same steps as a release bundle.
# (Docker cannot run on the machines Qorgau is developed on: the bundle script is what is tested.)

FROM swift:6.3-noble AS build
WORKDIR /build
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN scripts/bundle.sh --out /dist && mkdir /app && tar -C /app --strip-components=1 -xzf /dist/qorgau-*.tar.gz

FROM ubuntu:noble
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates tzdata libcurl4 libxml2 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --user-group --create-home --system --home-dir /app qorgau \
    && install -d -o qorgau -g qorgau -m 0700 /data
COPY --from=build --chown=qorgau:qorgau /app /app
WORKDIR /app
USER qorgau:qorgau
ENV VAPOR_ENV=production
EXPOSE 8080
VOLUME /data
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["./qorgau"]
CMD ["serve", "--no-migrate", "--host", "0.0.0.0", "--port", "8080", "--data", "/data"]
