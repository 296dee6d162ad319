package dev.weaktr.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weaktr.data.importer.TinyImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to 'dataset import': one clear line naming the file and line, exit 2, nothing written. */
class DatasetImportCliTest {
    @TempDir
    Path tmp;

    private Object[] importTags(String csv) throws IOException {
        Path images = tmp.resolve("img");
        TinyImages.write(images.resolve("a.jpg"), 1);
        TinyImages.write(images.resolve("b.jpg"), 2);
        Path tags = tmp.resolve("tags.csv");
        Files.writeString(tags, csv);
        return SingleClassPipelineTest.cli("dataset", "import", "--images", images.toString(), "--tags", tags.toString(),
                "--out", tmp.resolve("out").toString());
    }

    private void assertRefused(Object[] r, String... mustContain) {
        assertEquals(2, r[0], "stdout " + r[1] + " stderr " + r[2]);
        String err = (String) r[2];
        for (String s : mustContain) {
            assertTrue(err.contains(s), "should contain '" + s + "': " + err);
        }
        assertFalse(err.contains("\tat "), err);
        assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
    }

    @Test
    void missingImageNamesFileAndLine() throws IOException {
        assertRefused(importTags("image,labels\na.jpg,cat\nnope.jpg,cat\nb.jpg,\n"),
                "tags.csv line 3: image 'nope.jpg' not found (expected ", "img/nope.jpg)");
    }

    @Test
    void csvWithoutTheColumnsIsRefused() throws IOException {
        assertRefused(importTags("file,tags\na.jpg,cat\n"), "tags.csv line 1: the header [file, tags] lacks the column 'image'");
        assertRefused(importTags("image\na.jpg\n"), "lacks the column 'labels'");
    }

    @Test
    void classNamesDifferingOnlyByCaseAreRefused() throws IOException {
        assertRefused(importTags("image,labels\na.jpg,Cat\nb.jpg,cat\n"),
                "tags.csv line 3: class 'cat' differs only by case from 'Cat' (", "tags.csv line 2)");
    }

    @Test
    void unclosedQuoteAndDuplicateImage() throws IOException {
        assertRefused(importTags("image,labels\n\"a.jpg,cat\n"), "tags.csv line 2: a quoted field is not closed");
        assertRefused(importTags("image,labels\na.jpg,cat\nb.jpg,\n./a.jpg,dog\n"),
                "tags.csv line 4: image './a.jpg' is already listed at ", "tags.csv line 2");
    }

    @Test
    void emptyImagesFolderAndExistingOutput() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(tmp.resolve("t.csv"), "image,labels\n");
        assertRefused(SingleClassPipelineTest.cli("dataset", "import", "--images", tmp.resolve("empty").toString(),
                "--folders", "--out", tmp.resolve("out").toString()), "--images: the folder ", "empty is empty");
        Files.createDirectories(tmp.resolve("full/x"));
        TinyImages.write(tmp.resolve("img/cat/a.jpg"), 1);
        Object[] r = SingleClassPipelineTest.cli("dataset", "import", "--images", tmp.resolve("img").toString(),
                "--folders", "--out", tmp.resolve("full").toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("already exists and is not an empty folder"), (String) r[2]);
    }

    @Test
    void tagsAndFoldersAreExclusiveAndSingleClassWarns() throws IOException {
        Object[] both = SingleClassPipelineTest.cli("dataset", "import", "--images", tmp.toString(), "--folders",
                "--tags", "x.csv", "--out", tmp.resolve("out").toString());
        assertEquals(2, both[0]);
        Object[] r = importTags("image,labels\na.jpg,scratch\nb.jpg,scratch\n");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("warning: every image is tagged 'scratch', the only class, and no image has none"),
                (String) r[1]);
    }
}
