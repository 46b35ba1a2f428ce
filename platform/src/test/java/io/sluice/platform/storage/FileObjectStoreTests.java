package io.sluice.platform.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileObjectStoreTests {

    @TempDir
    Path root;

    @Test
    void storesListsAndReadsObjectsWithMultiLevelKeysInKeyOrder() throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        URI bucket = store.bucket("raw");
        store.put(ObjectKeys.resolve(bucket, "datasets/asl/B/img 002.png"), "b".getBytes());
        store.put(ObjectKeys.resolve(bucket, "datasets/asl/A/img 001.png"), "a1".getBytes());
        store.put(ObjectKeys.resolve(bucket, "datasets/other/x.csv"), "x".getBytes());

        List<StoredObject> listed = store.list(ObjectKeys.resolve(bucket, "datasets/asl/")).toList();

        assertThat(listed).extracting(o -> ObjectKeys.relativize(bucket, o.uri()))
                .containsExactly("datasets/asl/A/img 001.png", "datasets/asl/B/img 002.png");
        assertThat(listed.get(0).size()).isEqualTo(2);
        assertThat(new String(store.read(listed.get(0).uri()), StandardCharsets.UTF_8)).isEqualTo("a1");
    }

    @Test
    void treatsAPrefixAsAKeyPrefixLikeCloudStores() throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        URI bucket = store.bucket("raw");
        store.put(ObjectKeys.resolve(bucket, "datasets/asl/a.png"), new byte[1]);
        store.put(ObjectKeys.resolve(bucket, "datasets/aslx/b.png"), new byte[1]);

        assertThat(store.list(ObjectKeys.resolve(bucket, "datasets/asl/")).count()).isEqualTo(1);
        assertThat(store.list(URI.create(bucket + "datasets/asl")).count()).isEqualTo(2);
        assertThat(store.list(ObjectKeys.resolve(bucket, "nothing/")).count()).isZero();
    }

    @Test
    void listsNoSymbolicLinkAsAnObject() throws Exception {
        FileObjectStore store = new FileObjectStore(root.resolve("buckets"));
        URI bucket = store.bucket("raw");
        store.put(ObjectKeys.resolve(bucket, "datasets/asl/a.png"), new byte[1]);
        Path secret = Files.writeString(root.resolve("secret.txt"), "not in any bucket");
        Files.createSymbolicLink(root.resolve("buckets/raw/datasets/asl/link.png"), secret);

        assertThat(store.list(ObjectKeys.resolve(bucket, "datasets/asl/")).map(o -> ObjectKeys.relativize(bucket, o.uri())))
                .containsExactly("datasets/asl/a.png");
    }

    @Test
    void replacesObjectsAtomicallyAndDeletes() throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        URI object = ObjectKeys.resolve(store.bucket("models"), "m/v1/card.json");
        Path source = Files.writeString(root.resolve("source.json"), "{}");

        store.put(object, "old".getBytes());
        store.put(object, source);

        assertThat(store.read(object)).isEqualTo("{}".getBytes());
        assertThat(store.stat(object)).get().extracting(StoredObject::size).isEqualTo(2L);
        assertThat(store.delete(object)).isTrue();
        assertThat(store.delete(object)).isFalse();
        assertThat(store.stat(object)).isEmpty();
        assertThatThrownBy(() -> store.open(object)).isInstanceOf(FileNotFoundException.class);
        assertThat(Files.list(root.resolve(FileObjectStore.TEMP_FOLDER))).isEmpty();
    }

    @Test
    void refusesUrisOutsideItsBuckets() {
        FileObjectStore store = new FileObjectStore(root.resolve("buckets"));
        URI bucket = store.bucket("raw");

        assertThatThrownBy(() -> store.read(URI.create(bucket + "../../etc/passwd")))
                .isInstanceOf(InvalidObjectKeyException.class).hasMessageContaining("dot segments");
        assertThatThrownBy(() -> store.read(root.resolve("elsewhere.txt").toUri()))
                .isInstanceOf(InvalidObjectKeyException.class).hasMessageContaining("outside the buckets folder");
        assertThatThrownBy(() -> store.put(URI.create("gs://bucket/key"), new byte[0]))
                .isInstanceOf(InvalidObjectKeyException.class).hasMessageContaining("not a file: URI");
        assertThatThrownBy(() -> store.bucket("../up")).isInstanceOf(InvalidObjectKeyException.class);
    }

    @Test
    void dispatchesByScheme() throws Exception {
        FileObjectStore local = new FileObjectStore(root);
        ObjectStores stores = new ObjectStores(List.of(local));
        URI object = ObjectKeys.resolve(local.bucket("raw"), "a.txt");

        stores.put(object, "x".getBytes());

        assertThat(stores.read(object)).isEqualTo("x".getBytes());
        assertThatThrownBy(() -> stores.read(URI.create("gs://bucket/a.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no object store for 'gs:'");
        assertThatThrownBy(() -> new ObjectStores(List.of(local, new FileObjectStore(root.resolve("other")))))
                .hasMessageContaining("two object stores serve the scheme file");
    }

    @Test
    void createsAnObjectOnceWhenSeveralCreatorsRace() throws Exception {
        FileObjectStore store = new FileObjectStore(root);
        URI published = ObjectKeys.resolve(store.bucket("training"), "datasets/asl/v1/_PUBLISHED");

        for (int round = 0; round < 20; round++) {
            store.delete(published);
            CreateRace.race(store, published, 8);
        }
        try (var leftovers = Files.list(root.resolve(FileObjectStore.TEMP_FOLDER))) {
            assertThat(leftovers).isEmpty();
        }
    }
}
