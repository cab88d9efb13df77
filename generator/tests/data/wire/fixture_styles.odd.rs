#[cfg(test)]
mod wire_tests {
    //! Default styles, values holding separators, typed scalars, invalid header names and
    //! the combinations OpenAPI leaves undefined.
    use super::*;
    use crate::models::{Color, Nested, Tint};

    fn client() -> crate::Client {
        crate::Client::builder().build().expect("a client")
    }

    fn header(request: &Request, name: &str) -> Vec<String> {
        let values = request.options.headers.iter().filter(|(n, _)| n == name);
        values.map(|(_, value)| String::from_utf8_lossy(value.as_bytes()).into_owned()).collect()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// No `style` or `explode`: path `simple`, query `form` exploded, header `simple`,
    /// cookie `form` exploded, as OpenAPI's defaults say.
    #[test]
    fn defaults() {
        let client = client();
        let request = client
            .odd()
            .defaults(strings(&["blue", "black", "brown"]))
            .tags(strings(&["blue", "black", "brown"]))
            .x_color(Color::new(100, 200, 150))
            .jar(strings(&["blue", "black", "brown"]))
            .rgb(Color::new(100, 200, 150))
            .into_request()
            .expect("the request builds");
        assert_eq!(request.path, "/odd/defaults/blue,black,brown");
        assert_eq!(request.query_string(), "tags=blue&tags=black&tags=brown");
        assert_eq!(header(&request, "x-color"), ["R,100,G,200,B,150"]);
        assert_eq!(request.cookies(), "jar=blue; jar=black; jar=brown; R=100; G=200; B=150");
    }

    /// A separator inside an item is percent-encoded; the style's own separators are not.
    #[test]
    fn items_holding_separators() {
        let client = client();
        let odd = strings(&["a,b", "c;d=e", "f g", "ü"]);
        let request = client
            .odd()
            .separators(odd.clone(), odd.clone())
            .list(odd.clone())
            .pipes(strings(&["a|b", "c"]))
            .x_list(odd.clone())
            .jar(odd)
            .into_request()
            .expect("the request builds");
        assert_eq!(
            request.path,
            "/odd/separators/.a%2Cb,c%3Bd%3De,f%20g,%C3%BC/;matrix=a%2Cb;matrix=c%3Bd%3De;matrix=f%20g;matrix=%C3%BC"
        );
        // `|` may not appear in a URI: an item's and the separator are both `%7C` (OpenAPI's
        // Appendix E leaves telling them apart to the API).
        assert_eq!(request.query_string(), "list=a%2Cb,c%3Bd%3De,f%20g,%C3%BC&pipes=a%7Cb%7Cc");
        // Headers are not percent-encoded.
        assert_eq!(header(&request, "x-list"), ["a,b,c;d=e,f g,ü"]);
        assert_eq!(request.cookies(), "jar=a%2Cb,c%3Bd%3De,f%20g,%C3%BC");
    }

    /// Date-times in RFC 3339 everywhere, lists of integers and dates.
    #[test]
    fn typed_scalars() {
        use chrono::TimeZone;
        let client = client();
        let when = chrono::Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).unwrap();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2024, 5, d).unwrap();
        let request = client
            .odd()
            .types(when, [1, 2, 3])
            .x_ids([4, 5])
            .x_when(when)
            .n(7)
            .on([day(1), day(2)])
            .into_request()
            .expect("the request builds");
        assert_eq!(request.path, "/odd/types/2024-05-01T12%3A30%3A00Z/.1.2.3");
        assert_eq!(header(&request, "x-ids"), ["4,5"]);
        assert_eq!(header(&request, "x-when"), ["2024-05-01T12:30:00Z"]);
        assert_eq!(request.cookies(), "n=7");
        assert_eq!(request.query_string(), "on=2024-05-01,2024-05-02");
    }

    /// A header name HTTP does not allow fails the request instead of panicking; `Accept`
    /// is no parameter (OpenAPI says to ignore it), so there is no setter for it.
    #[test]
    fn invalid_header_names_are_errors() {
        let client = client();
        let err = client.odd().headers().x_bad_header("v").into_request().expect_err("refused");
        assert!(err.to_string().contains("header parameter `X Bad Header` is not a valid header name"), "{err}");
        let request = client.odd().headers().x_ok("fine").into_request().expect("the request builds");
        assert_eq!(header(&request, "x-ok"), ["fine"]);
        assert!(client.odd().headers().into_request().expect("unset: nothing sent").options.headers.is_empty());
    }

    /// Undefined by OpenAPI: `spaceDelimited` with `explode: true` is sent as without it; a
    /// list or object inside an object as its text. An unset property is left out.
    #[test]
    fn undefined_combinations() {
        let client = client();
        let mut tint = Tint::new("sky");
        let nested = Nested { tags: Some(strings(&["x", "y"])), color: Some(Color::new(1, 2, 3)) };
        let request = client
            .odd()
            .undefined()
            .spaced(strings(&["a", "b c"]))
            .x_nested(nested)
            .tint(tint.clone())
            .shade(tint.clone())
            .into_request()
            .expect("the request builds");
        assert_eq!(request.query_string(), "spaced=a%20b%20c&tint=name,sky");
        assert_eq!(header(&request, "x-nested"), [r#"tags,x,y,color,{"R":1,"G":2,"B":3}"#]);
        assert_eq!(request.cookies(), "name=sky");
        tint.alpha = Some(0.5);
        let request = client.odd().undefined().tint(tint.clone()).shade(tint).into_request().expect("builds");
        assert_eq!(request.query_string(), "tint=name,sky,alpha,0.5");
        assert_eq!(request.cookies(), "name=sky; alpha=0.5");
    }
}
