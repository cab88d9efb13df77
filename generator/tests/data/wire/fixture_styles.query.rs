#[cfg(test)]
mod wire_tests {
    //! Query parameters in every style, with the values of OpenAPI's style examples
    //! (<https://spec.openapis.org/oas/v3.1.1#style-examples>). The expected query strings
    //! are the table's, without the leading `?`: exactly the bytes sent.
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
        request.expect("the request builds").query_string()
    }

    #[test]
    fn form() {
        let client = client();
        let query = client.query();
        assert_eq!(sent(query.form_plain_string("blue").into_request()), "color=blue");
        assert_eq!(sent(query.form_plain_array(array()).into_request()), "color=blue,black,brown");
        assert_eq!(sent(query.form_plain_object(object()).into_request()), "color=R,100,G,200,B,150");
        assert_eq!(sent(query.form_explode_string("blue").into_request()), "color=blue");
        assert_eq!(sent(query.form_explode_array(array()).into_request()), "color=blue&color=black&color=brown");
        assert_eq!(sent(query.form_explode_object(object()).into_request()), "R=100&G=200&B=150");
        // The empty string (the table's "undefined" column); an empty list sends nothing.
        assert_eq!(sent(query.form_plain_string("").into_request()), "color=");
        assert_eq!(sent(query.form_plain_array(Vec::new()).into_request()), "");
    }

    #[test]
    fn space_and_pipe_delimited() {
        let client = client();
        let query = client.query();
        assert_eq!(sent(query.space_delimited_plain_array(array()).into_request()), "color=blue%20black%20brown");
        assert_eq!(
            sent(query.space_delimited_plain_object(object()).into_request()),
            "color=R%20100%20G%20200%20B%20150"
        );
        assert_eq!(sent(query.pipe_delimited_plain_array(array()).into_request()), "color=blue%7Cblack%7Cbrown");
        assert_eq!(
            sent(query.pipe_delimited_plain_object(object()).into_request()),
            "color=R%7C100%7CG%7C200%7CB%7C150"
        );
    }

    #[test]
    fn deep_object() {
        let client = client();
        let query = client.query();
        assert_eq!(
            sent(query.deep_object_explode_object(object()).into_request()),
            "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"
        );
    }
}
