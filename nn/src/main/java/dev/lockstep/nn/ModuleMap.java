package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An owned map of modules by name; call its values from the parent's forward. */
public final class ModuleMap extends Module {
    private final Map<String, Module> items = new LinkedHashMap<>();

    public ModuleMap(Map<String, ? extends Module> modules) {
        modules.forEach(this::put);
    }

    /**
     * Registers every module held by a record's components under the component's name. Lists and
     * maps of modules inside the record become {@link ModuleList}s and ModuleMaps, nested records
     * become ModuleMaps and a null component is absent. Any other component that holds a module, or
     * whose declared type could hold one (arrays, {@code Optional}, sets, lists of lists, maps with
     * non-String keys), is rejected naming the record class and component, rather than silently
     * skipped: its modules would never be trained or saved.
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
            Module wrapped = wrap(v, c.getGenericType(), r.getClass().getName() + "." + c.getName());
            if (wrapped != null) {
                m.put(c.getName(), wrapped);
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Module wrap(Object v, Type declared, String where) {
        return switch (v) {
            case null -> null;
            case Module mod -> mod;
            case Record rec -> ofRecord(rec);
            case List<?> list when !list.isEmpty() && list.stream().allMatch(x -> x instanceof Module) ->
                    new ModuleList((List<? extends Module>) list);
            case Map<?, ?> map when !map.isEmpty() && map.keySet().stream().allMatch(k -> k instanceof String)
                    && map.values().stream().allMatch(x -> x instanceof Module) ->
                    new ModuleMap((Map<String, ? extends Module>) map);
            case List<?> list when list.isEmpty() && isListOrMapOfModules(declared) -> new ModuleList(List.of());
            case Map<?, ?> map when map.isEmpty() && isListOrMapOfModules(declared) -> new ModuleMap(Map.of());
            default -> {
                if (holdsModule(v) || (isContainer(v) && couldHoldModule(declared))) {
                    throw new IllegalArgumentException("record component " + where + " (" + declared.getTypeName()
                            + ") cannot be tracked: it " + (holdsModule(v) ? "holds" : "could hold")
                            + " modules in " + describeContainer(v) + ", whose modules would never be trained or"
                            + " saved. Use a Module, a nested record, a List<Module> or a Map<String, Module>"
                            + " (a nullable component for an optional module)");
                }
                yield null;
            }
        };
    }

    private static boolean isContainer(Object v) {
        return v.getClass().isArray() || v instanceof Optional<?> || v instanceof Collection<?> || v instanceof Map<?, ?>;
    }

    private static String describeContainer(Object v) {
        return v.getClass().isArray() ? "an array" : v instanceof Optional<?> ? "an Optional"
                : v instanceof List<?> ? "a List that is not a list of modules only"
                : v instanceof Map<?, ?> ? "a Map that is not a Map<String, Module>"
                : "a " + v.getClass().getSimpleName();
    }

    /** Whether a value is, or contains at any depth of arrays, Optionals, collections and maps, a Module. */
    private static boolean holdsModule(Object v) {
        return switch (v) {
            case null -> false;
            case Module m -> true;
            case Optional<?> o -> o.isPresent() && holdsModule(o.get());
            case Collection<?> c -> c.stream().anyMatch(ModuleMap::holdsModule);
            case Map<?, ?> map -> map.keySet().stream().anyMatch(ModuleMap::holdsModule)
                    || map.values().stream().anyMatch(ModuleMap::holdsModule);
            case Object[] a -> Arrays.stream(a).anyMatch(ModuleMap::holdsModule);
            default -> false;
        };
    }

    /** Whether a value of this declared type could be or contain a Module (an empty Set<Dense>, an Optional<?>). */
    private static boolean couldHoldModule(Type t) {
        return switch (t) {
            case Class<?> c when c.isArray() -> couldHoldModule(c.getComponentType());
            case Class<?> c -> Module.class.isAssignableFrom(c) || c.isAssignableFrom(Module.class)
                    || c.getTypeParameters().length > 0; // a raw generic container could hold anything
            case ParameterizedType p -> Arrays.stream(p.getActualTypeArguments()).anyMatch(ModuleMap::couldHoldModule);
            case GenericArrayType g -> couldHoldModule(g.getGenericComponentType());
            case WildcardType w -> Arrays.stream(w.getUpperBounds()).anyMatch(ModuleMap::couldHoldModule);
            case TypeVariable<?> v -> Arrays.stream(v.getBounds()).anyMatch(ModuleMap::couldHoldModule);
            default -> true;
        };
    }

    /** List<M> or Map<String, M> for a Module type M: an empty one is an empty container, not an error. */
    private static boolean isListOrMapOfModules(Type t) {
        if (!(t instanceof ParameterizedType p) || !(p.getRawType() instanceof Class<?> raw)) {
            return false;
        }
        Type[] args = p.getActualTypeArguments();
        Type element = args[args.length - 1];
        boolean moduleElement = element instanceof Class<?> c && Module.class.isAssignableFrom(c);
        return moduleElement && (raw == List.class || (raw == Map.class && args[0] == String.class));
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
