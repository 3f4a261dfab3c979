# guardproxy: the proxy with its pinned dependencies and the small English spaCy pipeline.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY pyproject.toml README.md ./
COPY guardproxy ./guardproxy
COPY policies ./policies
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --uid 10001 guardproxy \
    && mkdir -p /var/lib/guardproxy/audit && chown guardproxy /var/lib/guardproxy/audit

USER guardproxy
ENV GUARDPROXY_HOST=0.0.0.0 GUARDPROXY_AUDIT_DIR=/var/lib/guardproxy/audit
EXPOSE 8080
ENTRYPOINT ["guardproxy"]
CMD ["serve"]
