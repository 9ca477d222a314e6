package dev.lockstep.nn;

import dev.lockstep.graph.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** An owned list of modules, named by position ("0", "1", ...); call its elements from the parent's forward. */
public final class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> items = new ArrayList<>();

    public ModuleList(List<? extends Module> modules) {
        modules.forEach(this::add);
    }

    public ModuleList add(Module m) {
        items.add(child(String.valueOf(items.size()), m));
        return this;
    }

    public Module get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<Module> iterator() {
        return List.copyOf(items).iterator();
    }

    @Override
    protected Tensor forward(Scope scope, Tensor... inputs) {
        throw new UnsupportedOperationException("a ModuleList is a container: call its elements, not the list ("
                + describe() + ")");
    }
}
