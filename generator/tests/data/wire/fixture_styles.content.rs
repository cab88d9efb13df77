#[cfg(test)]
mod wire_tests {
    //! `content: application/json` parameters: the JSON text of the value (its properties in
    //! declaration order) in every location, percent-encoded where the location is part of
    //! the URI or a cookie.
    use crate::models::Color;

    #[test]
    fn json_text_in_every_location() {
        let client = crate::Client::builder().build().expect("a client");
        let request = client
            .content()
            .json(Color::new(100, 200, 150))
            .filter(Color::new(1, 2, 3))
            .x_filter(Color::new(100, 200, 150))
            .prefs(Color::new(0, 0, 0))
            .into_request()
            .expect("the request builds");
        assert_eq!(request.path, "/content/%7B%22R%22%3A100%2C%22G%22%3A200%2C%22B%22%3A150%7D");
        assert_eq!(request.query_string(), "filter=%7B%22R%22%3A1%2C%22G%22%3A2%2C%22B%22%3A3%7D");
        let headers: Vec<(&str, &[u8])> =
            request.options.headers.iter().map(|(name, value)| (name.as_str(), value.as_bytes())).collect();
        assert_eq!(headers, [("x-filter", &br#"{"R":100,"G":200,"B":150}"#[..])]);
        assert_eq!(request.cookies(), "prefs=%7B%22R%22%3A0%2C%22G%22%3A0%2C%22B%22%3A0%7D");
    }
}
