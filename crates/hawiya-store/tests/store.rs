//! Store tests: run against SQLite always, and against PostgreSQL too when
//! `HAWIYA_TEST_DATABASE_URL` is set (the test script starts a throwaway cluster).

use hawiya_store::*;

async fn stores() -> Vec<(Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    // A fixed key, so a run against both databases uses one sealer.
    let sealer = Sealer::new(
        &MasterKey::from_base64("a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=").unwrap(),
    );
    let mut out = vec![(
        Store::connect(&Store::sqlite_url(dir.path()), sealer.clone())
            .await
            .unwrap(),
        Some(dir),
    )];
    if let Ok(url) = std::env::var("HAWIYA_TEST_DATABASE_URL") {
        out.push((Store::connect(&url, sealer).await.unwrap(), None));
    }
    out
}

fn unique(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::new_v4())
}

async fn tenant(store: &Store, name: &str) -> Tenant {
    store
        .create_tenant(
            name,
            &sha256_hex(&unique("key")),
            "hw_x",
            "admin",
            "$argon2id$fake",
        )
        .await
        .unwrap()
}

fn step(tenant: &Tenant, transaction: TransactionRef) -> NewStep {
    NewStep {
        tenant_id: tenant.id.clone(),
        transaction,
        step_type: "others".into(),
        endpoint: "/v1/app/steps".into(),
        request_id: uuid::Uuid::new_v4().to_string(),
        succeeded: true,
        error_code: None,
        validation_codes: vec![3001],
        result: serde_json::json!({"name": "محمد"}),
        images: vec![("image".into(), vec![1, 2, 3])],
        face_templates: vec![("id_front".into(), vec![0.25, -1.5, 3.0])],
        frame_fingerprints: Vec::new(),
    }
}

#[tokio::test]
async fn liveness_frame_fingerprints_are_remembered_across_transactions() {
    for (store, _dir) in stores().await {
        let name = unique("frames");
        let t = store
            .create_tenant(&name, &sha256_hex(&name), "hw_f", "admin", "hash")
            .await
            .unwrap();
        let prints: Vec<String> = (0..3)
            .map(|k| {
                store
                    .sealer()
                    .fingerprint(format!("{name} frame {k}").as_bytes())
            })
            .collect();
        assert_eq!(store.seen_frames(&prints).await.unwrap(), 0);
        let mut first = step(
            &t,
            TransactionRef::New {
                client_transaction_id: None,
            },
        );
        first.frame_fingerprints = prints[..2].to_vec();
        store.record_step(first).await.unwrap();
        assert_eq!(store.seen_frames(&prints).await.unwrap(), 2);
        // Recording a fingerprint again is not an error.
        let mut again = step(
            &t,
            TransactionRef::New {
                client_transaction_id: None,
            },
        );
        again.frame_fingerprints = prints.clone();
        store.record_step(again).await.unwrap();
        assert_eq!(store.seen_frames(&prints).await.unwrap(), 3);
        // Keyed: the fingerprint is not a plain hash of the input.
        assert_ne!(prints[0], sha256_hex(&format!("{name} frame 0")));
    }
}

#[tokio::test]
async fn tenants_keys_and_conflicts() {
    for (store, _dir) in stores().await {
        let name = unique("acme");
        let t = store
            .create_tenant(&name, &sha256_hex(&name), "hw_a", "admin", "hash")
            .await
            .unwrap();
        assert_eq!(
            store
                .tenant_by_api_key_hash(&sha256_hex(&name))
                .await
                .unwrap(),
            Some(t.clone())
        );
        assert_eq!(store.tenant_by_api_key_hash("nope").await.unwrap(), None);
        assert_eq!(store.tenant_by_name(&name).await.unwrap(), Some(t.clone()));
        let again = store
            .create_tenant(&name, "other", "hw_b", "admin", "hash")
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "{:?}",
            again.err()
        );
        // The failed create left no half-written key behind.
        assert_eq!(store.tenant_by_api_key_hash("other").await.unwrap(), None);
        let user = store.admin_user(&t.id, "admin").await.unwrap().unwrap();
        assert_eq!(user.password_hash, "hash");
    }
}

#[tokio::test]
async fn refresh_tokens_rotate_once() {
    for (store, _dir) in stores().await {
        let t = tenant(&store, &unique("rot")).await;
        let user = store.admin_user(&t.id, "admin").await.unwrap().unwrap();
        let far = now_millis() + 60_000;
        let first = unique("r1");
        store
            .insert_refresh_token(&user, &first, far)
            .await
            .unwrap();
        let second = unique("r2");
        let got = store
            .rotate_refresh_token(&first, &second, far, Some(&t.id))
            .await
            .unwrap();
        assert_eq!(got.unwrap().id, user.id);
        // Another tenant's key does not reach the token, and leaves it unspent; nor does
        // presenting the spent one with that key count as its reuse.
        assert!(store
            .rotate_refresh_token(&second, &unique("r4"), far, Some("another-tenant"))
            .await
            .unwrap()
            .is_none());
        assert!(store
            .rotate_refresh_token(&first, &unique("r4"), far, Some("another-tenant"))
            .await
            .unwrap()
            .is_none());
        let third = unique("r3");
        assert!(store
            .rotate_refresh_token(&second, &third, far, None)
            .await
            .unwrap()
            .is_some());
        // The spent first token again: refused, and its family (third) dies with it.
        assert!(
            store
                .rotate_refresh_token(&first, &unique("r5"), far, None)
                .await
                .unwrap()
                .is_none(),
            "reuse fails"
        );
        assert!(store
            .rotate_refresh_token(&third, &unique("r6"), far, None)
            .await
            .unwrap()
            .is_none());
        // Another login's family is untouched.
        let other = unique("o1");
        store
            .insert_refresh_token(&user, &other, far)
            .await
            .unwrap();
        assert!(store
            .rotate_refresh_token(&other, &unique("o2"), far, None)
            .await
            .unwrap()
            .is_some());
        let expired = unique("old");
        store
            .insert_refresh_token(&user, &expired, now_millis() - 1)
            .await
            .unwrap();
        assert!(store
            .rotate_refresh_token(&expired, &unique("r5"), far, None)
            .await
            .unwrap()
            .is_none());
    }
}

#[tokio::test]
async fn steps_are_sealed_isolated_and_deleted() {
    for (store, _dir) in stores().await {
        let a = tenant(&store, &unique("a")).await;
        let b = tenant(&store, &unique("b")).await;
        let first = store
            .record_step(step(
                &a,
                TransactionRef::New {
                    client_transaction_id: Some("c-1".into()),
                },
            ))
            .await
            .unwrap();
        store
            .record_step(step(
                &a,
                TransactionRef::Existing(first.transaction_id.clone()),
            ))
            .await
            .unwrap();
        let summary = store
            .transaction(&a.id, &first.transaction_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(summary.steps_count, 2);
        assert_eq!(summary.client_transaction_id.as_deref(), Some("c-1"));
        assert!(store
            .transaction(&b.id, &first.transaction_id)
            .await
            .unwrap()
            .is_none());
        assert!(store
            .steps(&b.id, &first.transaction_id)
            .await
            .unwrap()
            .is_empty());
        // Another tenant cannot add a step to it either.
        assert!(store
            .record_step(step(
                &b,
                TransactionRef::Existing(first.transaction_id.clone())
            ))
            .await
            .is_err());
        let steps = store.steps(&a.id, &first.transaction_id).await.unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].result["name"], "محمد");
        assert_eq!(steps[0].validation_codes, vec![3001]);
        assert_eq!(steps[0].image_count, 1);
        let template = store
            .latest_face_template(&a.id, &first.transaction_id, "id_front")
            .await
            .unwrap();
        assert_eq!(template, Some(vec![0.25, -1.5, 3.0]));
        assert!(store
            .latest_face_template(&b.id, &first.transaction_id, "id_front")
            .await
            .unwrap()
            .is_none());
        assert!(store
            .latest_face_template(&a.id, &first.transaction_id, "selfie")
            .await
            .unwrap()
            .is_none());
        let (total, items) = store.list_transactions(&a.id, None, 0, 10).await.unwrap();
        assert_eq!((total, items.len()), (1, 1));
        let (total, _) = store
            .list_transactions(&a.id, Some("zzz"), 0, 10)
            .await
            .unwrap();
        assert_eq!(total, 0);
        // Case-insensitive on both databases; `%` and `_` are literal.
        for (filter, expected) in [("C-1", 1), ("%", 0), ("c_1", 0)] {
            let (total, _) = store
                .list_transactions(&a.id, Some(filter), 0, 10)
                .await
                .unwrap();
            assert_eq!(total, expected, "{filter}");
        }
        assert!(!store
            .delete_transaction(&b.id, &first.transaction_id, "t")
            .await
            .unwrap());
        assert!(store
            .delete_transaction(&a.id, &first.transaction_id, "t")
            .await
            .unwrap());
        assert!(store
            .transaction(&a.id, &first.transaction_id)
            .await
            .unwrap()
            .is_none());
        assert!(store
            .steps(&a.id, &first.transaction_id)
            .await
            .unwrap()
            .is_empty());
        let audit = store.audit_events(&a.id, 10).await.unwrap();
        assert_eq!(audit[0].action, "transaction.delete");
    }
}

#[tokio::test]
async fn aml_lists_version_atomically_and_reviews_keep_the_latest() {
    for (store, _dir) in stores().await {
        let t = tenant(&store, &unique("aml")).await;
        let name = unique("sdn");
        let v1: Vec<String> = (0..25_000)
            .map(|i| format!("{{\"entry_id\":\"{i}\"}}"))
            .collect();
        let first = store
            .import_aml_list(None, &name, "ofac-csv", &v1, "cli")
            .await
            .unwrap();
        assert_eq!((first.version, first.entry_count), (1, 25_000));
        assert_eq!(
            store.aml_list_entries(&first.id).await.unwrap(),
            v1,
            "three chunks read back in order"
        );
        let second = store
            .import_aml_list(None, &name, "ofac-csv", &v1[..10], "cli")
            .await
            .unwrap();
        assert_eq!(second.version, 2);
        let active: Vec<_> = store
            .active_aml_lists()
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.name == name)
            .collect();
        assert_eq!(active, vec![second.clone()]);
        // Pruning keeps the newest versions: with two kept, a third import drops the first
        // and its entries; the active version always stays.
        let third = store
            .import_aml_list(None, &name, "ofac-csv", &v1[..5], "cli")
            .await
            .unwrap();
        assert_eq!(store.prune_aml_lists(None, &name, 2).await.unwrap(), 1);
        assert!(store.aml_list_entries(&first.id).await.unwrap().is_empty());
        assert_eq!(store.aml_list_entries(&second.id).await.unwrap().len(), 10);
        assert_eq!(store.prune_aml_lists(None, &name, 0).await.unwrap(), 1);
        assert_eq!(store.aml_list_entries(&third.id).await.unwrap().len(), 5);
        // A tenant's own list of the same name is versioned separately and visible to it only.
        let own = store
            .import_aml_list(Some(&t.id), &name, "csv", &v1[..1], "admin")
            .await
            .unwrap();
        assert_eq!(own.version, 1);
        let other = tenant(&store, &unique("aml-other")).await;
        assert!(store
            .aml_lists_for(&t.id)
            .await
            .unwrap()
            .iter()
            .any(|l| l.id == own.id));
        assert!(!store
            .aml_lists_for(&other.id)
            .await
            .unwrap()
            .iter()
            .any(|l| l.id == own.id));

        let review = |decision: &str, at: i64| AmlReview {
            id: uuid::Uuid::new_v4().to_string(),
            person_key: "p1".into(),
            list_name: name.clone(),
            entry_id: "7".into(),
            entry_digest: "d1".into(),
            decision: decision.into(),
            analyst: "admin:admin".into(),
            note: None,
            created_at: at,
        };
        store
            .record_aml_review(&t.id, &review("true_match", 1))
            .await
            .unwrap();
        store
            .record_aml_review(&t.id, &review("false_positive", 2))
            .await
            .unwrap();
        let latest = store.aml_reviews_for(&t.id, "p1").await.unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].decision, "false_positive");
        assert!(store
            .aml_reviews_for(&other.id, "p1")
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_all_land() {
    for (store, _dir) in stores().await {
        let t = tenant(&store, &unique("writers")).await;
        let writes = (0..48).map(|i| {
            let (store, t) = (store.clone(), t.clone());
            tokio::spawn(async move {
                let new = TransactionRef::New {
                    client_transaction_id: Some(format!("w{i}")),
                };
                store
                    .record_step(step(&t, new))
                    .await
                    .map(|s| s.transaction_id)
            })
        });
        let mut ids = Vec::new();
        for w in writes.collect::<Vec<_>>() {
            ids.push(w.await.unwrap().expect("every write lands"));
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 48);
        let (total, _) = store.list_transactions(&t.id, None, 0, 100).await.unwrap();
        assert_eq!(total, 48);
    }
}
