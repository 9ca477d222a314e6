package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, item 2: labels (and embedding token ids) outside the head's range trained silently to a loss
 * near 0 and chance accuracy. Now the first bad example is an error naming where it came from.
 */
class OutOfRangeLabelsTest {
    private static final String MLP = """
            model:
              layers:
                - dense: {name: hidden, units: 8, activation: relu}
                - dense: {name: logits, units: 2}
            head:
              classification: {classes: 2}
            train:
              data: DATA
              batch_size: 4
              steps: 5
            checkpoints: {dir: runs/job}
            device: cpu
            """;

    @Test
    void syntheticLabelOutsideTheClassesIsAnErrorNamingTheExampleTheLabelAndTheRange(@TempDir Path dir)
            throws Exception {
        Path job = CommandLineTest.spec(dir, MLP.replace("DATA",
                "{synthetic: {blobs: {count: 64, classes: 4, dim: 3, seed: 1}}}"));
        CommandLineTest.Result r = CommandLineTest.run("train", job.toString());
        assertNotEquals(Lockstep.OK, r.code(), r.out() + r.err()); // 2 when found by validation's first batch
        assertTrue(r.err().matches("(?s).*blobs\\(.*\\)\\(64\\) example \\d+: class label 'label' is [23], not an "
                + "integer in \\[0, 2\\) \\(head.classification.classes = 2\\).*"), r.err());
        assertTrue(!r.out().contains("trained to step"), r.out());
    }

    @Test
    void csvLabelOutsideTheClassesIsAnErrorNamingFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rows.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,3\n7,8,1\n");
        Path job = CommandLineTest.spec(dir, MLP.replace("DATA", "{csv: {files: rows.csv, columns: [{name: a, type: "
                + "f32}, {name: b, type: f32}, {name: label, type: i32}], features: {x: [a, b]}}}"));
        CommandLineTest.Result r = CommandLineTest.run("train", job.toString());
        assertNotEquals(Lockstep.OK, r.code(), r.out() + r.err()); // 2 when found by validation's first batch
        assertTrue(r.err().contains("csv " + dir.resolve("rows.csv") + " line 4: class label 'label' is 3, not an "
                + "integer in [0, 2) (head.classification.classes = 2)"), r.err());
    }

    @Test
    void tokenIdOutsideTheEmbeddingVocabularyIsAnErrorNamingTheFieldPath(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, """
                model:
                  input: source
                  layers:
                    - embedding: {name: emb, vocabulary: 5, dim: 4}
                    - gru: {units: 4, return_sequences: true}
                    - dense: {name: logits, units: 12}
                head:
                  sequence: {vocabulary: 12, label: target_out}
                train:
                  data: {synthetic: {sequence_copy: {count: 32, length: 3, vocabulary: 12}}}
                  batch_size: 4
                  steps: 2
                checkpoints: {dir: runs/job}
                device: cpu
                """);
        CommandLineTest.Result r = CommandLineTest.run("train", job.toString());
        assertNotEquals(Lockstep.OK, r.code(), r.out() + r.err()); // 2 when found by validation's first batch
        assertTrue(r.err().matches("(?s).*example \\d+: token id for embedding 'emb' 'source' \\(element \\d\\) is "
                + "\\d+, not an integer in \\[0, 5\\) \\(model.layers\\[0\\].embedding.vocabulary = 5\\).*"),
                r.err());
    }

    @Test
    void sequenceLabelOutsideTheHeadsVocabularyIsAnErrorNamingTheExample(@TempDir Path dir) throws Exception {
        Path job = CommandLineTest.spec(dir, """
                model:
                  input: source
                  layers:
                    - embedding: {name: emb, vocabulary: 12, dim: 4}
                    - dense: {name: logits, units: 6}
                head:
                  sequence: {vocabulary: 6, label: target_out}
                train:
                  data: {synthetic: {sequence_copy: {count: 32, length: 3, vocabulary: 12}}}
                  batch_size: 4
                  steps: 2
                checkpoints: {dir: runs/job}
                device: cpu
                """);
        CommandLineTest.Result r = CommandLineTest.run("validate", job.toString());
        assertNotEquals(Lockstep.OK, r.code(), r.out() + r.err());
        assertTrue(r.err().matches("(?s).*example \\d+: token id 'target_out' \\(element \\d\\) is \\d+, not an "
                + "integer in \\[0, 6\\) \\(head.sequence.vocabulary = 6\\).*"), r.err());
    }
}
