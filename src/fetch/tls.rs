//! The TLS client configuration: rustls with the ring provider, the Mozilla root store shipped by
//! `webpki-roots` (so verification does not depend on the machine's certificate files, which
//! minimal CI images often lack) plus any extra roots the caller trusts, and ALPN offering HTTP/2
//! before HTTP/1.1.
//!
//! reqwest is built with `rustls-no-provider`; handing it a finished `ClientConfig` through
//! `tls_backend_preconfigured` avoids installing a process-wide default crypto provider, which a
//! library has no business doing.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

use crate::Error;

/// Builds the client configuration. `extra_roots` are PEM documents, each holding one or more
/// certificates.
pub(crate) fn client_config(extra_roots: &[Vec<u8>]) -> Result<ClientConfig, Error> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    for (i, pem) in extra_roots.iter().enumerate() {
        let mut found = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| Error::Client(format!("extra root certificate #{}: {e}", i + 1)))?;
            roots.add(cert).map_err(|e| Error::Client(format!("extra root certificate #{}: {e}", i + 1)))?;
            found += 1;
        }
        if found == 0 {
            return Err(Error::Client(format!("extra root certificate #{}: no PEM certificate found", i + 1)));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Client(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_default_roots() {
        let config = client_config(&[]).unwrap();
        assert_eq!(config.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
    }

    #[test]
    fn rejects_garbage_roots() {
        let err = client_config(&[b"not a certificate".to_vec()]).unwrap_err();
        assert!(err.to_string().contains("no PEM certificate"), "{err}");
        let bad = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec();
        assert!(client_config(&[bad]).is_err());
    }
}
