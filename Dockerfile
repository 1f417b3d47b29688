# KetamineCds container image. Multi-stage: restore (cached layer) → publish → ASP.NET runtime, non-root, port 8080.
# The shipped rule pack is baked in at /app/rules; mount another folder and set Rules__Path to replace it (the
# Kubernetes base mounts its ConfigMap at /etc/ketamine-cds/rules). Works with a read-only root filesystem: the only
# writable paths are /app/data (the SQLite store, a volume) and /tmp.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so source edits do not invalidate the package layer.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/KetamineCds.Rules/KetamineCds.Rules.csproj src/KetamineCds.Rules/
COPY src/KetamineCds.Api/KetamineCds.Api.csproj src/KetamineCds.Api/
RUN dotnet restore src/KetamineCds.Api/KetamineCds.Api.csproj
COPY src/ src/
COPY rules/ rules/
COPY examples/ examples/
RUN dotnet publish src/KetamineCds.Api/KetamineCds.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The store's folder belongs to the image's non-root user; mount a volume here to keep SQLite data.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
VOLUME ["/app/data"]
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_RUNNING_IN_CONTAINER=true \
    Logging__Format=json
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD ["dotnet", "ketamine-cds.dll", "health", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["dotnet", "ketamine-cds.dll"]
