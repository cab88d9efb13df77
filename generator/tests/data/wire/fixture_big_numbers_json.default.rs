#[cfg(test)]
mod wire_tests {
    #[test]
    fn integer_bounds_beyond_64_bits_keep_the_full_i64_range() {
        let client = crate::Client::builder().build().expect("a client");
        for (value, text) in [(i64::MIN, "-9223372036854775808"), (i64::MAX, "9223372036854775807")] {
            let request = client.default().get_counter().above(value).into_request().expect("the request encodes");
            assert_eq!(request.query, [("above".to_owned(), crate::runtime::QueryText::from(text))]);
        }
        // The bounds clamp to i64's: every field is an integer, the big example a float.
        let counter =
            crate::models::Counter { value: Some(i64::MIN), total: Some(0), ratio: Some(1e30), limit: Some(i64::MAX) };
        let json = serde_json::to_string(&counter).expect("encodes");
        assert_eq!(json, r#"{"value":-9223372036854775808,"total":0,"ratio":1e+30,"limit":9223372036854775807}"#);
    }
}
