package dev.lockstep.device.pjrt;

import dev.lockstep.tensor.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Buffer donation in the module text: each donated argument of {@code @main} gets {@code tf.aliasing_output =
 * K : i32} naming an output of its type that no other argument took (first fit, in argument order). XLA's MLIR
 * import turns these into the executable's input/output aliasing, which is what lets a PJRT runtime reuse a
 * donated input's memory; inputs left without a matching output are simply not aliased.
 */
final class Aliasing {
    private Aliasing() {}

    /** Per argument, the output it is aliased to, or -1. */
    static int[] plan(List<TensorType> inputs, List<TensorType> outputs, Set<Integer> donated) {
        int[] alias = new int[inputs.size()];
        java.util.Arrays.fill(alias, -1);
        boolean[] taken = new boolean[outputs.size()];
        for (int i : new TreeSet<>(donated)) {
            if (i < 0 || i >= inputs.size()) {
                throw new IllegalArgumentException("donated input " + i + " does not exist: the graph takes "
                        + inputs.size() + " inputs");
            }
            for (int k = 0; k < outputs.size(); k++) {
                if (!taken[k] && outputs.get(k).equals(inputs.get(i))) {
                    taken[k] = true;
                    alias[i] = k;
                    break;
                }
            }
        }
        return alias;
    }

    /** {@code text} with the aliasing attributes added to the arguments of {@code @main}'s signature line. */
    static String apply(String text, int[] alias) {
        int start = text.indexOf("func.func public @main(");
        if (start < 0) {
            throw new IllegalArgumentException("the module has no func.func public @main");
        }
        int lineEnd = text.indexOf('\n', start);
        String line = text.substring(start, lineEnd < 0 ? text.length() : lineEnd);
        int close = line.indexOf(") -> ");
        List<String> args = new ArrayList<>();
        String list = line.substring("func.func public @main(".length(), close);
        if (!list.isEmpty()) {
            args.addAll(List.of(list.split(", ")));
        }
        if (args.size() != alias.length) {
            throw new IllegalStateException("@main has " + args.size() + " arguments, the plan " + alias.length);
        }
        for (int i = 0; i < alias.length; i++) {
            if (alias[i] >= 0) {
                args.set(i, args.get(i) + " {tf.aliasing_output = " + alias[i] + " : i32}");
            }
        }
        String rewritten = "func.func public @main(" + String.join(", ", args) + line.substring(close);
        return text.substring(0, start) + rewritten + text.substring(start + line.length());
    }
}
