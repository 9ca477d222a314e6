package dev.lockstep.device;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Named settings a device's runtime takes when it opens: for a PJRT device, the client options handed to
 * the plugin's {@code PJRT_Client_Create} (a job spec's {@code pjrt.client_options}). Each value is a
 * {@link String}, {@link Long}, {@link Double}, {@link Boolean} or a {@code List<Long>}, the value types a
 * PJRT named value has. Devices whose runtime takes no settings ({@code cpu}, {@code xla-cpu}) ignore them,
 * so a spec written for a TPU still runs on {@code cpu} with {@code --device cpu}.
 */
public record DeviceOptions(Map<String, Object> values) {
    public static final DeviceOptions NONE = new DeviceOptions(Map.of());

    public DeviceOptions {
        Map<String, Object> copy = new TreeMap<>();
        for (var e : Objects.requireNonNull(values, "values").entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "option name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("device option names must not be blank");
            }
            copy.put(name, checked(name, e.getValue()));
        }
        values = Collections.unmodifiableMap(copy);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    private static Object checked(String name, Object v) {
        return switch (v) {
            case String s -> s;
            case Long l -> l;
            case Integer i -> (long) i;
            case Double d -> d;
            case Float f -> (double) f;
            case Boolean b -> b;
            case List<?> list -> {
                for (Object o : list) {
                    if (!(o instanceof Long) && !(o instanceof Integer)) {
                        throw new IllegalArgumentException("device option '" + name + "' is a list, so every element "
                                + "must be an integer; got " + o);
                    }
                }
                yield list.stream().map(o -> ((Number) o).longValue()).toList();
            }
            case null -> throw new IllegalArgumentException("device option '" + name + "' has no value");
            default -> throw new IllegalArgumentException("device option '" + name + "' must be a string, integer, "
                    + "number, boolean or list of integers; got " + v.getClass().getSimpleName() + " " + v);
        };
    }
}
