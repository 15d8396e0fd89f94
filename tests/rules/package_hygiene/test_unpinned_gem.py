"""IL6015 unpinned-gem: gem install without a version."""

from __future__ import annotations

import pytest

from tests.support.helpers import catches, passes


@pytest.mark.parametrize(
    "run",
    [
        "RUN gem install bundler -v 2.5.22",
        "RUN gem install bundler --version '~> 2.5'",
        "RUN gem install bundler:2.5.22",
        "RUN gem install --no-document ./vendor/tool-1.0.gem",
        "RUN gem install -g Gemfile",
        "RUN gem update --system 3.5.23",
        "RUN bundle install",
    ],
)
def test_gem_pin_passes(run):
    passes("IL6015", "FROM ruby:3.4-slim\n" + run)


def test_gem_pin_catches():
    assert "fpm" in catches("IL6015", "FROM ruby:3.4-slim\nRUN gem install --no-document fpm\n")[0].message
