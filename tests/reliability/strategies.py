"""Hypothesis strategies shared by the bad-input suites: URLs, API tokens, token names."""

from __future__ import annotations

import string

from hypothesis import strategies as st

SCHEMES = st.sampled_from(["http", "https", "HTTPS", "ftp", "file", "javascript", "", "ht tp"])
USERINFO = st.sampled_from(["", "", "", "user@", "user:secret@", ":@", "@"])
# Hosts that never lead anywhere: syntactically odd ones, `.invalid` names (RFC 6761: never
# resolve) and loopback.
ODD_HOSTS = [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "logscale.example.invalid",
    "xn--a.invalid",  # a punycode label that does not decode
    "\u2603.invalid",  # not a valid IDNA 2008 name
    "[::1",
    "a b.invalid",
    "",
]
PATHS = st.one_of(
    st.sampled_from(["", "/", "/graphql", "/graphql/", "/prefix/graphql", "//", "/x?q=1", "/#f"]),
    st.text(max_size=20).map(lambda text: f"/{text}"),
)
ODD_PORTS = st.one_of(
    st.integers(min_value=-1, max_value=70_000).map(lambda port: f":{port}"),
    st.text(max_size=5).map(lambda text: f":{text}"),
)


def urls(hosts: st.SearchStrategy[str], ports: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """URLs assembled from parts, which reach the later rules (credentials, query, port, path);
    plain text mostly exercises the first ones."""
    assembled = st.builds(
        lambda scheme, userinfo, host, port, path: f"{scheme}://{userinfo}{host}{port}{path}",
        SCHEMES,
        USERINFO,
        hosts,
        ports,
        PATHS,
    )
    return st.one_of(assembled, assembled.map(" {}\n".format))


# Any text, or URLs from parts with any host and port: only for code that sends nothing.
any_url = st.one_of(
    st.text(max_size=60),
    urls(
        st.one_of(st.sampled_from(ODD_HOSTS), st.text(max_size=20)),
        st.one_of(st.just(""), ODD_PORTS),
    ),
)

# A token's recognisable core with arbitrary text around it: the core must never be echoed.
secret_core = st.text(alphabet=string.ascii_letters + string.digits, min_size=16, max_size=40)
any_token = st.tuples(st.text(max_size=6), secret_core, st.text(max_size=6))
