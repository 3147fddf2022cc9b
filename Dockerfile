# analyzer serve: the endpoint Render Log Streams and Supabase Log Drains point at.
#   docker build -t analyzer . && docker run -p 6514:6514 -p 8080:8080 \
#     -e ANALYZER_SERVE_TOKEN=… -v analyzer-state:/var/lib/analyzer analyzer
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY analyzer ./analyzer
COPY rules ./rules
RUN pip install '.[serve,postgres]' && useradd --system --uid 10001 analyzer \
    && mkdir -p /var/lib/analyzer && chown analyzer /var/lib/analyzer
USER analyzer
VOLUME /var/lib/analyzer
# 6514: syslog over TLS (RFC 5425's port) when certificates are mounted; 8080: HTTP
EXPOSE 6514 8080
HEALTHCHECK CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz').status != 200)"
CMD ["analyzer", "serve", "--state", "/var/lib/analyzer/state.db", \
     "--http", "0.0.0.0:8080", "--syslog", "0.0.0.0:6514"]
