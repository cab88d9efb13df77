#[cfg(test)]
mod wire_tests {
    use super::*;
    use crate::models::*;

    fn pairs(builder: ItemsList<'_>) -> Vec<String> {
        let request = builder.into_request().expect("the request encodes");
        request.query.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    fn client() -> crate::Client {
        crate::Client::builder().build().expect("a client")
    }

    fn sort() -> Vec<ItemsListSortItem> {
        vec![ItemsListSortItem { field: Some("created_at".into()), desc: Some(true) }]
    }

    /// Properties come in alphabetical order (the value goes through `serde_json::Value`).
    #[test]
    fn array_of_objects_in_form_style_uses_indexed_brackets() {
        let client = client();
        let mut second = MetadataFilter::new("plan");
        second.value = Some("pro".into());
        second.op = Some(MetadataFilterOp::Ne);
        let builder = client.items().list(sort()).metadata_filter([MetadataFilter::new("tier"), second]);
        assert_eq!(
            pairs(builder),
            [
                "metadata_filter[0][key]=tier",
                "metadata_filter[1][key]=plan",
                "metadata_filter[1][op]=ne",
                "metadata_filter[1][value]=pro",
                "sort[0][desc]=true",
                "sort[0][field]=created_at",
            ]
        );
        // Not set: nothing sent; a required empty list: nothing either.
        assert!(pairs(client.items().list(Vec::new())).is_empty());
    }

    #[test]
    fn deep_object_union_with_an_object_arm() {
        let client = client();
        let range = ItemsListCreated { gt: Some(1), lte: Some(9), ..Default::default() };
        let builder = client.items().list(Vec::new()).created(ItemsListCreated2::ItemsListCreated(range));
        assert_eq!(pairs(builder), ["created[gt]=1", "created[lte]=9"]);
        // The scalar arm: `created=5`, as Stripe reads its `created` filter.
        let builder = client.items().list(Vec::new()).created(ItemsListCreated2::Integer(5));
        assert_eq!(pairs(builder), ["created=5"]);
    }

    #[test]
    fn deep_object_union_with_an_array_of_objects_arm() {
        let client = client();
        let items = vec![
            ItemsListTagsItem { name: Some("a".into()), weight: Some(0.5) },
            ItemsListTagsItem { name: Some("b".into()), weight: None },
        ];
        let builder = client.items().list(Vec::new()).tags(ItemsListTags::List(items));
        assert_eq!(pairs(builder), ["tags[0][name]=a", "tags[0][weight]=0.5", "tags[1][name]=b"]);
        let builder = client.items().list(Vec::new()).tags(ItemsListTags::String("x y".into()));
        assert_eq!(pairs(builder), ["tags=x y"]);
    }

    #[test]
    fn one_or_many_objects_and_scalar_lists() {
        let client = client();
        let builder = client.items().list(Vec::new()).r#match([MetadataFilter::new("k")]).ids([3, 4]);
        assert_eq!(pairs(builder), ["match[0][key]=k", "ids=3", "ids=4"]);
    }

    #[test]
    fn delimited_lists_are_one_pair() {
        let client = client();
        let builder = client
            .items()
            .list(Vec::new())
            .fields(["id".to_owned(), "name".to_owned()])
            .codes([ItemsListCodesItem::A, ItemsListCodesItem::B])
            .words(["x".to_owned(), "y z".to_owned()])
            .page(2);
        assert_eq!(pairs(builder), ["fields=id,name", "codes=a|b", "words=x y z", "page=2"]);
        // A `form` object-or-string union: the object's properties as pairs, else one pair.
        let range = ItemsListRange { from: Some(1), to: Some(2) };
        let builder = client.items().list(Vec::new()).range(ItemsListRange2::ItemsListRange(range));
        assert_eq!(pairs(builder), ["from=1", "to=2"]);
        let builder = client.items().list(Vec::new()).range(ItemsListRange2::String("all".into()));
        assert_eq!(pairs(builder), ["range=all"]);
        // An empty list sends nothing.
        assert!(pairs(client.items().list(Vec::new()).fields(Vec::<String>::new())).is_empty());
    }
}
