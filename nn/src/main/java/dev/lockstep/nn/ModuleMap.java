package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An owned map of modules by name; call its values from the parent's forward. */
public final class ModuleMap extends Module {
    private final Map<String, Module> items = new LinkedHashMap<>();

    public ModuleMap(Map<String, ? extends Module> modules) {
        modules.forEach(this::put);
    }

    /**
     * Registers every module held by a record's components under the component's name. Lists and
     * maps of modules inside the record become {@link ModuleList}s and ModuleMaps; any other
     * component is rejected if it could hide a module, rather than silently skipped.
     */
    public static ModuleMap ofRecord(Record r) {
        ModuleMap m = new ModuleMap(Map.of());
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                c.getAccessor().setAccessible(true);
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read component " + c.getName() + " of " + r.getClass(), e);
            }
            Module wrapped = wrap(v, r.getClass().getSimpleName() + "." + c.getName());
            if (wrapped != null) {
                m.put(c.getName(), wrapped);
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Module wrap(Object v, String where) {
        return switch (v) {
            case null -> null;
            case Module mod -> mod;
            case Record rec -> ofRecord(rec);
            case List<?> list when list.stream().allMatch(x -> x instanceof Module) ->
                    new ModuleList((List<? extends Module>) list);
            case Map<?, ?> map when map.keySet().stream().allMatch(k -> k instanceof String)
                    && map.values().stream().allMatch(x -> x instanceof Module) ->
                    new ModuleMap((Map<String, ? extends Module>) map);
            case Collection<?> c when c.stream().anyMatch(x -> x instanceof Module) ->
                    throw new IllegalArgumentException(where + " holds modules in a " + v.getClass().getSimpleName()
                            + " mixed with other values; use a List or Map of modules only");
            case Map<?, ?> map when map.values().stream().anyMatch(x -> x instanceof Module) ->
                    throw new IllegalArgumentException(where + " holds modules in a map that is not Map<String, Module>");
            default -> null;
        };
    }

    public ModuleMap put(String name, Module m) {
        items.put(name, child(name, m));
        return this;
    }

    public Module get(String name) {
        Module m = items.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no module '" + name + "' in " + describe() + "; has " + items.keySet());
        }
        return m;
    }

    @Override
    protected Tensor forward(Scope scope, Tensor... inputs) {
        throw new UnsupportedOperationException("a ModuleMap is a container: call its values, not the map ("
                + describe() + ")");
    }
}
