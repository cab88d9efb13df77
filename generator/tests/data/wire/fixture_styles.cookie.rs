#[cfg(test)]
mod wire_tests {
    //! Cookie parameters (`form` style), with the values of OpenAPI's style examples
    //! (<https://spec.openapis.org/oas/v3.1.1#style-examples>, the `form` rows). Exploded
    //! lists and objects are several cookies: the table's pairs, joined by `; ` as a
    //! `Cookie` header separates cookies (OpenAPI's Appendix D: `&` is wrong there).
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

    fn sent(request: Result<Request, Error<ApiErrorBody>>) -> String {
        request.expect("the request builds").cookies()
    }

    #[test]
    fn form() {
        let client = client();
        let cookie = client.cookie();
        assert_eq!(sent(cookie.plain_string("blue").into_request()), "color=blue");
        assert_eq!(sent(cookie.plain_array(array()).into_request()), "color=blue,black,brown");
        assert_eq!(sent(cookie.plain_object(object()).into_request()), "color=R,100,G,200,B,150");
        assert_eq!(sent(cookie.explode_string("blue").into_request()), "color=blue");
        assert_eq!(sent(cookie.explode_array(array()).into_request()), "color=blue; color=black; color=brown");
        assert_eq!(sent(cookie.explode_object(object()).into_request()), "R=100; G=200; B=150");
    }

    #[test]
    fn values_cannot_end_the_cookie() {
        let client = client();
        assert_eq!(sent(client.cookie().plain_string("a; admin=1").into_request()), "color=a%3B%20admin%3D1");
    }
}
