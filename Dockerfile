FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir . && useradd --system zonewatch && mkdir -p /var/lib/zonewatch \
    && chown zonewatch /var/lib/zonewatch
USER zonewatch
CMD ["zonewatch", "--help"]
