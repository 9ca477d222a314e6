package dev.lockstep.device.conformance;

import dev.lockstep.tensor.DType;
import dev.lockstep.graph.Graph;
import dev.lockstep.graph.OpKind;
import dev.lockstep.tensor.HostTensor;
import java.util.List;

/**
 * One conformance case: a small graph exercising {@code kind} on {@code dtype}, with seeded random
 * inputs. {@code scale} is the magnitude of accumulated rounding error relative to one operation
 * (number of summed terms times their typical size), multiplied into the absolute tolerance.
 */
record OpCase(OpKind kind, DType dtype, String label, Graph graph, List<HostTensor> inputs, double scale) {

    /** Op, dtype and input types, e.g. {@code add f32 (f32[3, 1], f32[1, 4]) broadcast}. */
    @Override
    public String toString() {
        return label;
    }
}
