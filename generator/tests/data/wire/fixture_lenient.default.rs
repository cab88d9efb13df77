#[cfg(test)]
mod wire_tests {
    use crate::models::{Address, Line, Order};

    #[test]
    fn repaired_references_generate_a_usable_client() {
        let client = crate::Client::builder().build().expect("a client");
        // The dangling parameter `$ref` is left out; `limit` stays.
        let request = client.default().list_orders().limit(5).into_request().expect("the request encodes");
        assert_eq!(request.query, [("limit".to_owned(), crate::runtime::QueryText::from("5"))]);
        assert_eq!(request.accept, Some("application/json"));

        // `#/$defs/Line` and `#/$defs/Address` resolved in `Order`'s `$defs` (recursively);
        // the dangling `Customer` is any JSON value.
        let json = r#"{"id":"o1","customer":{"name":"Ada"},"lines":[{"sku":"a","parts":[{"sku":"b"}],"ship_to":{"city":"Oslo"}}],"address":{"city":"Rome"}}"#;
        let order: Order = serde_json::from_str(json).expect("decodes");
        assert_eq!(order.customer, Some(serde_json::json!({"name": "Ada"})));
        let line: &Line = &order.lines.as_ref().expect("lines")[0];
        assert_eq!(line.parts.as_ref().expect("parts")[0].sku.as_deref(), Some("b"));
        assert_eq!(line.ship_to, Some(Address { city: Some("Oslo".into()) }));
        assert_eq!(serde_json::to_string(&order).expect("encodes"), json);
    }
}
