package dev.lockstep.job;

/** Job specs that the parser's tests (here) and the estimator's job-building tests both use. */
public final class SpecFixtures {
    private SpecFixtures() {}

    public static final String GOOD = """
            model:
              layers:
                - dense: {units: 16, activation: relu}
                - dense: {units: 3}
            head:
              classification: {classes: 3}
            train:
              data:
                synthetic:
                  blobs: {count: 64, classes: 3, dim: 4}
              batch_size: 8
              steps: 5
            checkpoints: {dir: runs/test}
            """;

    /** An encoder-decoder fed source and target_in, with its nodes deliberately out of order. */
    public static final String SEQ2SEQ = """
            model:
              graph:
                inputs: [source, target_in]
                nodes:
                  - {name: logits, layer: {dense: {units: 7}}, inputs: [decoder]}
                  - {name: decoder, layer: {gru: {units: 5, return_sequences: true}}, inputs: [joined]}
                  - {name: joined, layer: {concatenate: {axis: -1}}, inputs: [tgt, context]}
                  - {name: context, layer: {repeat_vector: {times: 4}}, inputs: ["encoder:1"]}
                  - {name: encoder, layer: {gru: {units: 5}}, inputs: [src]}
                  - {name: src, layer: {embedding: {vocabulary: 7, dim: 3}}, inputs: [source]}
                  - {name: tgt, layer: {embedding: {vocabulary: 7, dim: 3}}, inputs: [target_in]}
                  - {name: both, layer: add, inputs: [encoder, "encoder:1"]}
                outputs: [logits, both]
            head: {sequence: {vocabulary: 7}}
            train:
              data: {synthetic: {sequence_copy: {count: 16, length: 4, vocabulary: 7}}}
              batch_size: 4
              steps: 2
            checkpoints: {dir: runs/g}
            """;

    /** An encoder-decoder whose decoder starts from the encoder's state; nodes[3] is the decoder. */
    public static final String ENCODER_DECODER_WITH_STATE = """
            model:
              graph:
                inputs: [source, target_in]
                nodes:
                  - {name: src, layer: {embedding: {vocabulary: 7, dim: 3}}, inputs: [source]}
                  - {name: tgt, layer: {embedding: {vocabulary: 7, dim: 3}}, inputs: [target_in]}
                  - {name: encoder, layer: {gru: {units: 5}}, inputs: [src]}
                  - {name: decoder, layer: {gru: {units: 5, return_sequences: true}}, inputs: [tgt],
                     initial_state: ["encoder:1"]}
                  - {name: logits, layer: {dense: {units: 7}}, inputs: [decoder]}
                outputs: [logits]
            head: {sequence: {vocabulary: 7}}
            train:
              data: {synthetic: {sequence_copy: {count: 16, length: 4, vocabulary: 7}}}
              batch_size: 4
              steps: 2
            checkpoints: {dir: runs/g}
            """;
}
