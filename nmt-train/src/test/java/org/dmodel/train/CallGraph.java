package org.dmodel.train;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A conservative call graph over compiled classes, read with ASM from the test classpath: what a method may call,
 * with virtual calls resolved to every override among the indexed classes, and a lambda counted as called where it
 * is created. Classes outside {@code follow} (the JDK, other libraries) are leaves. For architecture tests that must
 * see through DJL's own code as well as dmodel's.
 */
final class CallGraph {
    /** A method, by owner (internal name), name and descriptor. */
    record Method(String owner, String name, String desc) {
        @Override
        public String toString() {
            return owner.replace('/', '.') + "." + name + desc;
        }
    }

    /** One invocation inside {@code caller} at source line {@code line} (0 when unknown). */
    record Call(Method caller, Method target, int line) {}

    private record ClassInfo(String name, String superName, List<String> interfaces, Map<String, Integer> access,
                             Map<String, List<Call>> calls) {}

    private final Predicate<String> follow;
    private final Map<String, String> runtimeClass;
    private final Map<String, ClassInfo> classes = new HashMap<>();
    private final Map<String, Set<String>> subtypes = new HashMap<>();
    private final Map<Method, Method> parents = new HashMap<>();

    /**
     * @param follow which classes (internal names) to read and walk into
     * @param indexed prefixes of the classes whose overrides virtual calls may reach; they are listed from the
     *     classpath up front so that subclasses are known before any walk
     * @param runtimeClass for library types whose only implementation at run time is known (an engine's), that
     *     class: a virtual call on such a type runs its body and no other override
     */
    CallGraph(Predicate<String> follow, List<String> indexed, Map<String, String> runtimeClass) {
        this.follow = follow;
        this.runtimeClass = Map.copyOf(runtimeClass);
        for (String name : listClasses(indexed)) {
            ClassInfo c = info(name);
            if (c != null) {
                for (String parent : supertypes(c)) {
                    subtypes.computeIfAbsent(parent, k -> new HashSet<>()).add(name);
                }
            }
        }
    }

    /**
     * Every call made by the methods reachable from {@code roots} (roots included), in breadth-first order; methods
     * for which {@code enter} is false are reached but not walked into.
     */
    List<Call> reachableCalls(List<Method> roots, Predicate<Method> enter) {
        List<Call> out = new ArrayList<>();
        Set<Method> seen = new HashSet<>();
        parents.clear();
        Deque<Method> queue = new ArrayDeque<>();
        for (Method root : roots) {
            List<Method> impls = implementations(root);
            if (impls.isEmpty()) {
                throw new IllegalArgumentException("no code for " + root);
            }
            queue.addAll(impls);
        }
        while (!queue.isEmpty()) {
            Method m = queue.poll();
            if (!seen.add(m) || !enter.test(m)) {
                continue;
            }
            for (Call call : callsOf(m)) {
                out.add(call);
                for (Method impl : implementations(call.target())) {
                    parents.putIfAbsent(impl, m);
                    queue.add(impl);
                }
            }
        }
        return out;
    }

    /** How the last walk first reached {@code m}: the chain of callers from a root, root first. */
    List<Method> pathTo(Method m) {
        List<Method> chain = new ArrayList<>();
        for (Method at = m; at != null && chain.size() < 100; at = parents.get(at)) {
            chain.add(0, at);
        }
        return chain;
    }

    /** True when {@code type} is {@code ancestor} or inherits from it (as far as the followed classes show). */
    boolean isSubtype(String type, String ancestor) {
        if (type.equals(ancestor)) {
            return true;
        }
        ClassInfo c = info(type);
        if (c == null) {
            return false;
        }
        for (String s : supertypes(c)) {
            if (isSubtype(s, ancestor)) {
                return true;
            }
        }
        return false;
    }

    private List<Call> callsOf(Method m) {
        ClassInfo c = info(m.owner());
        return c == null ? List.of() : c.calls().getOrDefault(m.name() + m.desc(), List.of());
    }

    /** The code a call to {@code m} may run: the inherited body it names, and every override in an indexed subtype. */
    private List<Method> implementations(Method m) {
        String actual = runtimeClass.get(m.owner());
        if (actual != null) {
            Method body = declaredUpwards(actual, m.name(), m.desc());
            return body == null ? List.of() : List.of(body);
        }
        List<Method> out = new ArrayList<>();
        Method declared = declaredUpwards(m.owner(), m.name(), m.desc());
        if (declared != null) {
            out.add(declared);
        }
        if (!m.name().equals("<init>") && !m.name().equals("<clinit>")) {
            Deque<String> pending = new ArrayDeque<>(subtypes.getOrDefault(m.owner(), Set.of()));
            Set<String> visited = new HashSet<>();
            while (!pending.isEmpty()) {
                String sub = pending.poll();
                if (!visited.add(sub)) {
                    continue;
                }
                ClassInfo c = info(sub);
                if (c != null && c.calls().containsKey(m.name() + m.desc())) {
                    out.add(new Method(sub, m.name(), m.desc()));
                }
                pending.addAll(subtypes.getOrDefault(sub, Set.of()));
            }
        }
        return out;
    }

    /** The class that provides the body of {@code name desc} for {@code owner}: itself, a superclass or an interface default. */
    private Method declaredUpwards(String owner, String name, String desc) {
        ClassInfo c = info(owner);
        if (c == null) {
            return null;
        }
        Integer access = c.access().get(name + desc);
        if (access != null && (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0) {
            return new Method(owner, name, desc);
        }
        for (String s : supertypes(c)) {
            Method found = declaredUpwards(s, name, desc);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static List<String> supertypes(ClassInfo c) {
        List<String> out = new ArrayList<>(c.interfaces());
        if (c.superName() != null) {
            out.add(0, c.superName());
        }
        return out;
    }

    private ClassInfo info(String name) {
        if (!follow.test(name)) {
            return null;
        }
        if (classes.containsKey(name)) {
            return classes.get(name);
        }
        ClassInfo c = read(name);
        classes.put(name, c);
        return c;
    }

    private static ClassInfo read(String name) {
        try (InputStream in = CallGraph.class.getClassLoader().getResourceAsStream(name + ".class")) {
            if (in == null) {
                return null;
            }
            Map<String, Integer> access = new HashMap<>();
            Map<String, List<Call>> calls = new LinkedHashMap<>();
            List<String> interfaces = new ArrayList<>();
            String[] superName = new String[1];
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int acc, String n, String sig, String sup, String[] ifaces) {
                    superName[0] = sup;
                    interfaces.addAll(List.of(ifaces == null ? new String[0] : ifaces));
                }

                @Override
                public MethodVisitor visitMethod(int acc, String mName, String mDesc, String sig, String[] ex) {
                    access.put(mName + mDesc, acc);
                    Method caller = new Method(name, mName, mDesc);
                    List<Call> list = new ArrayList<>();
                    calls.put(mName + mDesc, list);
                    return new MethodVisitor(Opcodes.ASM9) {
                        private int line;

                        @Override
                        public void visitLineNumber(int l, Label start) {
                            line = l;
                        }

                        @Override
                        public void visitMethodInsn(int op, String owner, String n, String d, boolean itf) {
                            if (!owner.startsWith("[")) {
                                list.add(new Call(caller, new Method(owner, n, d), line));
                            }
                        }

                        @Override
                        public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                            // a lambda or method reference: count its body as called here
                            for (Object a : args) {
                                if (a instanceof Handle h) {
                                    list.add(new Call(caller, new Method(h.getOwner(), h.getName(), h.getDesc()), line));
                                }
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_FRAMES);
            return new ClassInfo(name, superName[0], interfaces, access, calls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Internal names of the classes on the classpath (directories and jars) under any of {@code prefixes}. */
    private static List<String> listClasses(List<String> prefixes) {
        List<String> names = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            try {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.walk(p)) {
                        files.map(f -> p.relativize(f).toString().replace(File.separatorChar, '/'))
                                .forEach(names::add);
                    }
                } else if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                    try (JarFile jar = new JarFile(p.toFile())) {
                        jar.stream().forEach(e -> names.add(e.getName()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.endsWith(".class") && prefixes.stream().anyMatch(n::startsWith)) {
                out.add(n.substring(0, n.length() - ".class".length()));
            }
        }
        return out;
    }
}
