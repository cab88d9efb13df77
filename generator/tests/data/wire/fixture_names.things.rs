#[cfg(test)]
mod wire_tests {
    fn client() -> crate::Client {
        crate::Client::builder().base_url("http://localhost").build().expect("a client")
    }

    /// Setters renamed away from the builder's own methods and fields still send the
    /// parameter's exact wire name; the builder's own `access_token` and `timeout` still work.
    #[test]
    fn renamed_setters_keep_exact_wire_names() {
        let client = client();
        let builder = client
            .things()
            .get_thing("me", 7, "ID-1")
            .access_token_2("query-token")
            .into_request_2("a")
            .into_future_2("b")
            .send_2(true)
            .send_with_response_2(false)
            .timeout_2(5)
            .retry_2(2)
            .options_2("o")
            .client_2("c")
            .body_2("d")
            .clone_2("e")
            .stream_2("f")
            .pages_2("g")
            .bytes_stream_2("h")
            .self_2("i")
            .crate_("j")
            .super_("k")
            .page_size(10)
            .page_size_2(20)
            .r#type("t")
            .type_2("at")
            .x_access_token("header-token")
            .access_token("bearer-token")
            .timeout(std::time::Duration::from_secs(3));
        let request = builder.into_request().expect("the request encodes");
        assert_eq!(request.path, "/things/me/7/ID-1");
        let pairs: Vec<String> = request.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "access_token=query-token",
                "into_request=a",
                "into_future=b",
                "send=true",
                "send_with_response=false",
                "timeout=5",
                "retry=2",
                "options=o",
                "client=c",
                "body=d",
                "clone=e",
                "stream=f",
                "pages=g",
                "bytes_stream=h",
                "Self=i",
                "crate=j",
                "super=k",
                "pageSize=10",
                "page_size=20",
                "type=t",
                "@type=at",
            ]
        );
        let headers: Vec<(String, String)> = request
            .options
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        assert_eq!(headers, [("x-access-token".to_owned(), "header-token".to_owned())]);
        assert_eq!(request.options.timeout, Some(std::time::Duration::from_secs(3)));
        assert!(request.options.access_token.is_some());
    }
}
