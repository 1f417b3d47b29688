# KetamineCds container image. Multi-stage: restore (cached layer) → publish → ASP.NET runtime, non-root, port 8080.
# The shipped rule pack is baked in at /app/rules; mount another folder there (or set Rules__Path) to replace it.
# Note: no Docker engine runs on the development machines of this project, so this file is not built in CI yet.

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
ENV ASPNETCORE_URLS=http://+:8080 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    Logging__Format=json
EXPOSE 8080
# The image's built-in non-root user; the root filesystem can be read-only (nothing is written under /app).
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD ["dotnet", "ketamine-cds.dll", "health", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["dotnet", "ketamine-cds.dll"]
