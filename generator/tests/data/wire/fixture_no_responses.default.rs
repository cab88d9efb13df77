#[cfg(test)]
mod wire_tests {
    use super::*;

    fn client() -> crate::Client {
        crate::Client::builder().build().expect("a client")
    }

    /// Operations without `responses` return the raw response: status, headers, bytes.
    fn _raw(
        builder: DefaultPing<'_>,
    ) -> crate::runtime::ResponseFuture<'_, crate::ApiErrorBody, bytes::Bytes, crate::runtime::Binary> {
        builder.send_with_response()
    }

    #[test]
    fn an_operation_without_responses_accepts_anything() {
        let client = client();
        let request = client.default().ping().verbose(true).into_request().expect("the request encodes");
        assert_eq!(request.method, Method::GET);
        assert_eq!(request.path, "/ping");
        assert_eq!(request.accept, Some("*/*"));
        assert_eq!(request.query, [("verbose".to_owned(), crate::runtime::QueryText::from("true"))]);

        let body = DefaultSendEventBody { name: Some("signup".into()) };
        let request = client.default().send_event(body).into_request().expect("the request encodes");
        assert_eq!(request.method, Method::POST);
        assert_eq!(request.accept, Some("*/*"));
        assert_eq!(request.body.content_type(), Some("application/json"));
        assert_eq!(request.body.into_bytes().as_deref(), Some(&b"{\"name\":\"signup\"}"[..]));

        // A documented response keeps its typed decoding.
        let request = client.default().list_events().into_request().expect("the request encodes");
        assert_eq!(request.accept, Some("application/json"));
    }
}
