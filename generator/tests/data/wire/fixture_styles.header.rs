#[cfg(test)]
mod wire_tests {
    //! Header parameters (`simple` style), with the values of OpenAPI's style examples
    //! (<https://spec.openapis.org/oas/v3.1.1#style-examples>, the `simple` rows).
    use super::*;
    use crate::models::Color;

    fn client() -> crate::Client {
        crate::Client::builder().build().expect("a client")
    }

    fn array() -> [String; 3] {
        ["blue".to_owned(), "black".to_owned(), "brown".to_owned()]
    }

    fn object() -> Color {
        Color::new(100, 200, 150)
    }

    /// Every value of header `x-color`.
    fn sent(request: Result<Request, Error<ApiErrorBody>>) -> Vec<String> {
        let request = request.expect("the request builds");
        request
            .options
            .headers
            .iter()
            .filter(|(name, _)| name == "x-color")
            .map(|(_, value)| value.to_str().expect("visible ASCII").to_owned())
            .collect()
    }

    #[test]
    fn simple() {
        let client = client();
        let header = client.header();
        assert_eq!(sent(header.plain_string("blue").into_request()), ["blue"]);
        assert_eq!(sent(header.plain_array(array()).into_request()), ["blue,black,brown"]);
        assert_eq!(sent(header.plain_object(object()).into_request()), ["R,100,G,200,B,150"]);
        assert_eq!(sent(header.explode_string("blue").into_request()), ["blue"]);
        assert_eq!(sent(header.explode_array(array()).into_request()), ["blue,black,brown"]);
        assert_eq!(sent(header.explode_object(object()).into_request()), ["R=100,G=200,B=150"]);
    }

    #[test]
    fn values_http_does_not_allow_are_errors() {
        let client = client();
        let err = client.header().plain_string("blue\r\nX-Injected: 1").into_request().expect_err("refused");
        assert!(err.to_string().contains("header `X-Color` is not a valid header value"), "{err}");
    }
}
