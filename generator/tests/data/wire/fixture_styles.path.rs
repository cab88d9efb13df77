#[cfg(test)]
mod wire_tests {
    //! Path parameters in every style, with the values of OpenAPI's style examples
    //! (<https://spec.openapis.org/oas/v3.1.1#style-examples>): "blue", ["blue", "black",
    //! "brown"] and {"R": 100, "G": 200, "B": 150}. The expected segments are the table's.
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

    #[test]
    fn simple() {
        let client = client();
        let path = client.path();
        let sent = |request: Result<Request, Error<ApiErrorBody>>| request.expect("the request builds").path;
        assert_eq!(sent(path.simple_plain_string("blue").into_request()), "/path/simple/plain/string/blue");
        assert_eq!(sent(path.simple_plain_array(array()).into_request()), "/path/simple/plain/array/blue,black,brown");
        assert_eq!(
            sent(path.simple_plain_object(object()).into_request()),
            "/path/simple/plain/object/R,100,G,200,B,150"
        );
        assert_eq!(sent(path.simple_explode_string("blue").into_request()), "/path/simple/explode/string/blue");
        assert_eq!(
            sent(path.simple_explode_array(array()).into_request()),
            "/path/simple/explode/array/blue,black,brown"
        );
        assert_eq!(
            sent(path.simple_explode_object(object()).into_request()),
            "/path/simple/explode/object/R=100,G=200,B=150"
        );
    }

    #[test]
    fn label() {
        let client = client();
        let path = client.path();
        let sent = |request: Result<Request, Error<ApiErrorBody>>| request.expect("the request builds").path;
        assert_eq!(sent(path.label_plain_string("blue").into_request()), "/path/label/plain/string/.blue");
        assert_eq!(sent(path.label_plain_array(array()).into_request()), "/path/label/plain/array/.blue,black,brown");
        assert_eq!(
            sent(path.label_plain_object(object()).into_request()),
            "/path/label/plain/object/.R,100,G,200,B,150"
        );
        assert_eq!(sent(path.label_explode_string("blue").into_request()), "/path/label/explode/string/.blue");
        assert_eq!(
            sent(path.label_explode_array(array()).into_request()),
            "/path/label/explode/array/.blue.black.brown"
        );
        assert_eq!(
            sent(path.label_explode_object(object()).into_request()),
            "/path/label/explode/object/.R=100.G=200.B=150"
        );
        // The "undefined" column (an empty list; the client refuses to send a `.` segment).
        assert_eq!(sent(path.label_plain_array(Vec::new()).into_request()), "/path/label/plain/array/.");
    }

    #[test]
    fn matrix() {
        let client = client();
        let path = client.path();
        let sent = |request: Result<Request, Error<ApiErrorBody>>| request.expect("the request builds").path;
        assert_eq!(sent(path.matrix_plain_string("blue").into_request()), "/path/matrix/plain/string/;color=blue");
        assert_eq!(
            sent(path.matrix_plain_array(array()).into_request()),
            "/path/matrix/plain/array/;color=blue,black,brown"
        );
        assert_eq!(
            sent(path.matrix_plain_object(object()).into_request()),
            "/path/matrix/plain/object/;color=R,100,G,200,B,150"
        );
        assert_eq!(sent(path.matrix_explode_string("blue").into_request()), "/path/matrix/explode/string/;color=blue");
        assert_eq!(
            sent(path.matrix_explode_array(array()).into_request()),
            "/path/matrix/explode/array/;color=blue;color=black;color=brown"
        );
        assert_eq!(
            sent(path.matrix_explode_object(object()).into_request()),
            "/path/matrix/explode/object/;R=100;G=200;B=150"
        );
        // The "undefined" column: an empty list, and the empty string.
        assert_eq!(sent(path.matrix_plain_array(Vec::new()).into_request()), "/path/matrix/plain/array/;color");
        assert_eq!(sent(path.matrix_explode_string("").into_request()), "/path/matrix/explode/string/;color");
    }
}
