//! TLS of the HTTP client that [`ClientBuilder::build`](super::ClientBuilder::build)
//! creates when the application brings none of its own.
//!
//! Chosen by cargo features:
//!
//! - `rustls` (default): reqwest's [rustls](https://docs.rs/rustls) backend with the process-wide
//!   crypto provider when the application installed one
//!   (`rustls::crypto::CryptoProvider::install_default`), else aws-lc-rs, rustls's own default
//!   (it negotiates post-quantum key exchange, X25519MLKEM768; rustls deprecated its `ring`
//!   provider for lacking it); it builds with a Rust toolchain and a C compiler. Certificates
//!   are checked with the operating system's roots and verifier (rustls-platform-verifier).
//! - `native-tls`: the platform's TLS library (OpenSSL on Linux, Security.framework on
//!   macOS, SChannel on Windows), through reqwest's `native-tls` feature. When both
//!   features are on, `native-tls` is used.
//! - Neither: only `http://` base URLs work, unless the application passes its own
//!   `reqwest::Client` to [`ClientBuilder::http_client`](super::ClientBuilder::http_client)
//!   (which also lets it choose any TLS setting reqwest offers).

/// `builder` with the TLS backend the cargo features select.
#[cfg(feature = "native-tls")]
pub(crate) fn configure(builder: reqwest::ClientBuilder, _https: bool) -> Result<reqwest::ClientBuilder, String> {
    Ok(builder.tls_backend_native())
}

/// `builder` with the TLS backend the cargo features select.
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder, _https: bool) -> Result<reqwest::ClientBuilder, String> {
    // reqwest picks the provider: an application-wide one wins, otherwise aws-lc-rs (without
    // installing it process-wide: that is the application's decision); it also sets the
    // ALPN protocols its `http2` feature supports.
    Ok(builder.tls_backend_rustls())
}

/// `builder` with the TLS backend the cargo features select: none, so an `https` base URL
/// is refused when the client is built rather than at the first request.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder, https: bool) -> Result<reqwest::ClientBuilder, String> {
    if https {
        return Err("this build has no TLS: enable the cargo feature `rustls` or `native-tls`, or pass a \
                    `reqwest::Client` to `ClientBuilder::http_client`"
            .to_owned());
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    /// The default client builds with each TLS feature (with `rustls` alone, reqwest
    /// would panic here if no crypto provider were given to it).
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn the_default_http_client_builds() {
        let builder = super::configure(reqwest::Client::builder(), true).expect("TLS configuration");
        builder.build().expect("reqwest client");
    }

    /// Without TLS, `http` still works and `https` is refused with the remedy.
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    #[test]
    fn without_tls_https_is_refused_when_building() {
        assert!(super::configure(reqwest::Client::builder(), false).is_ok());
        let err = super::configure(reqwest::Client::builder(), true).unwrap_err();
        assert!(err.contains("`rustls` or `native-tls`"), "{err}");
    }
}
