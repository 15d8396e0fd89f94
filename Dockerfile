# syntax=docker/dockerfile:1
# imagelint in a container. Build:  docker build -t imagelint .
# Lint the current directory:       docker run --rm -v "$PWD:/src" -w /src imagelint lint .
# Analyze an image (Docker socket): docker run --rm -v /var/run/docker.sock:/var/run/docker.sock imagelint analyze IMAGE

# Build stage: turn the source into a wheel. Only what the wheel needs is copied, metadata first.
FROM python:3.13-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY imagelint/ imagelint/
COPY rules/ rules/
COPY reports/templates/ reports/templates/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Runtime: the wheel installed from a bind mount, so neither it nor pip's cache stays in a layer.
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir /wheels/*.whl \
    && useradd --create-home --uid 10001 imagelint
USER 10001
WORKDIR /src
ENTRYPOINT ["imagelint"]
CMD ["--help"]
