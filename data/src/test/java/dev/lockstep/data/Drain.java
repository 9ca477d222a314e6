package dev.lockstep.data;

import dev.lockstep.tensor.HostTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: collect elements, and make named-tensor examples comparable by value. */
final class Drain {
    private Drain() {}

    static <T> List<T> all(Dataset<T> d) {
        try (DatasetIterator<T> it = d.iterator()) {
            return take(it, Integer.MAX_VALUE);
        }
    }

    static <T> List<T> take(DatasetIterator<T> it, int n) {
        List<T> out = new ArrayList<>();
        while (out.size() < n && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    /** A value-comparable form: name -> "type" + values. */
    static Map<String, String> values(Map<String, HostTensor> example) {
        Map<String, String> m = new LinkedHashMap<>();
        example.forEach((k, v) -> m.put(k, v.type() + java.util.Arrays.toString(v.toDoubles())));
        return m;
    }

    static List<Map<String, String>> values(List<Map<String, HostTensor>> examples) {
        return examples.stream().map(Drain::values).toList();
    }
}
