package dev.lockstep.estimator;

import dev.lockstep.device.Buffer;
import dev.lockstep.device.Executable;
import dev.lockstep.device.HostTensor;
import dev.lockstep.nn.Program;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a program once with inputs bound by name from host tensors; returns outputs by name. */
final class Execution {
    private Execution() {}

    static Map<String, HostTensor> run(Executable exe, Program program, Map<String, HostTensor> byName) {
        List<Buffer> inputs = new ArrayList<>();
        try {
            for (String name : program.inputNames()) {
                HostTensor t = byName.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("no value for program input '" + name + "'; have "
                            + byName.keySet());
                }
                inputs.add(exe.device().upload(t));
            }
            List<Buffer> outs = exe.execute(inputs);
            Map<String, HostTensor> result = new LinkedHashMap<>();
            for (int i = 0; i < outs.size(); i++) {
                result.put(program.outputNames().get(i), outs.get(i).toHost());
                outs.get(i).close();
            }
            return result;
        } finally {
            inputs.forEach(Buffer::close);
        }
    }
}
