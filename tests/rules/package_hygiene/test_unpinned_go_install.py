"""IL6017 unpinned-go-install: go install without a version."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes

GO = "FROM golang:1.26\n"


@pytest.mark.parametrize(
    "run",
    [
        "RUN go install golang.org/x/tools/gopls@v0.16.1",
        "RUN go install github.com/x/y/cmd/z@8f3c1a2",
        "RUN go install ./cmd/...",
        "RUN go install github.com/GoogleCloudPlatform/docker-credential-gcr/v2",  # version from go.mod
        "RUN go run github.com/google/wire/cmd/wire@v0.6.0",  # hadolint#1134
        "RUN go install github.com/x/y@${Y_VERSION}",
        "RUN go get ./... && go mod download",
        "RUN go build -o /app ./cmd/app",
    ],
)
def test_go_pin_passes(run):
    passes("IL6017", GO + run)


@pytest.mark.parametrize(
    "run",
    [
        "RUN go install golang.org/x/tools/gopls@latest",
        "RUN go install github.com/x/y@master",
        "RUN go run github.com/x/y/cmd/gen@main",
        "RUN go get github.com/spf13/cobra",
        "RUN go get -u -v github.com/golang/lint/golint",
    ],
)
def test_go_pin_catches(run):
    catches("IL6017", GO + run)


@pytest.mark.parametrize(
    "text",
    [
        "FROM golang:1.10\nCOPY . /go/src/github.com/example/app\nRUN go get github.com/example/app\n",
        "FROM golang:1.10\nCOPY . /go/src/github.com/example/app\nRUN go get -d -v github.com/example/app/cmd/...\n",
        "FROM golang:1.10\nWORKDIR /go/src/github.com/example/app\nCOPY . .\nRUN go get -d -v ./... && go get github.com/example/app\n",
        "FROM golang:1.10\nENV GOPATH=/gopath\nCOPY . /gopath/src/example.com/app\nRUN go get example.com/app\n",
        "FROM golang:1.10 AS src\nCOPY . /go/src/github.com/example/app\nFROM src\nRUN go get github.com/example/app\n",
        "FROM debian:12\nCOPY . /root/go/src/github.com/example/app\nRUN go get github.com/example/app\n",
    ],
)
def test_gopath_go_get_of_copied_source_passes(text):
    passes("IL6017", text)


@pytest.mark.parametrize(
    "text",
    [
        # copied elsewhere: go get still fetches the package from its repository
        "FROM golang:1.10\nCOPY . /src/app\nRUN go get github.com/example/app\n",
        # another package than the copied one
        "FROM golang:1.10\nCOPY . /go/src/github.com/example/app\nRUN go get github.com/other/lib\n",
        # the COPY comes after the go get
        "FROM golang:1.10\nRUN go get github.com/example/app\nCOPY . /go/src/github.com/example/app\n",
    ],
)
def test_go_get_of_a_package_that_was_not_copied_is_reported(text):
    catches("IL6017", text)
