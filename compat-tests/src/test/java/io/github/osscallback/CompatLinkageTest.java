package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Jackson and Caffeine class, method and field that core's bytecode refers to exists, with
 * the same descriptor, in the versions on this class path: the check the JVM makes lazily, at the
 * first call, made here for all call sites at once. Only the class that holds Jackson 2.15's
 * {@code StreamReadConstraints} may refer to what older versions lack, since it is loaded only on 2.15+.
 */
class CompatLinkageTest {

    private static final List<String> CHECKED = List.of("com/fasterxml/jackson/", "com/github/benmanes/caffeine/");
    private static final String JACKSON_215_ONLY = "io/github/osscallback/internal/JsonCodec$ConstrainedFactory";

    @Test
    void everyReferenceFromCoreResolves() throws Exception {
        Map<String, byte[]> classes = coreClasses();
        assertTrue(classes.containsKey("io/github/osscallback/internal/JsonCodec"), classes.keySet().toString());
        assertTrue(classes.containsKey(JACKSON_215_ONLY), classes.keySet().toString());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
            if (entry.getKey().equals(JACKSON_215_ONLY) && !JsonCodec.JACKSON_ENFORCES_LIMITS) {
                continue;
            }
            for (String[] ref : references(entry.getValue())) {
                checked++;
                String problem = resolve(ref);
                if (problem != null) {
                    missing.add(entry.getKey() + " -> " + problem);
                }
            }
        }
        assertTrue(checked > 50, "too few references found (" + checked + "); is the class path right?");
        assertEquals(List.of(), missing);
    }

    /** core's classes, from its build directory or its jar, whichever the reactor put on the class path. */
    private static Map<String, byte[]> coreClasses() throws Exception {
        URL location = CallbackVerifier.class.getProtectionDomain().getCodeSource().getLocation();
        Path path = Path.of(location.toURI());
        Map<String, byte[]> classes = new LinkedHashMap<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                    String name = path.relativize(file).toString().replace('\\', '/');
                    classes.put(name.substring(0, name.length() - ".class".length()), Files.readAllBytes(file));
                }
            }
        } else {
            try (JarFile jar = new JarFile(path.toFile())) {
                for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
                    if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            String name = entry.getName();
                            classes.put(name.substring(0, name.length() - ".class".length()), in.readAllBytes());
                        }
                    }
                }
            }
        }
        return classes;
    }

    /**
     * The checked references in one class file: {kind, owner, name, descriptor}, kind being
     * "class", "field" or "method". Reads the constant pool as the class file format defines it.
     */
    private static List<String[]> references(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        int[] tag = new int[count];
        for (int i = 1; i < count; i++) {
            tag[i] = in.readUnsignedByte();
            switch (tag[i]) {
                case 1: utf8[i] = in.readUTF(); break;
                case 3: case 4: in.readInt(); break;
                case 5: case 6: in.readLong(); i++; break;
                case 7: case 8: case 16: case 19: case 20: first[i] = in.readUnsignedShort(); break;
                case 15: in.readUnsignedByte(); in.readUnsignedShort(); break;
                case 9: case 10: case 11: case 12: case 17: case 18:
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                    break;
                default: throw new IOException("unknown constant pool tag " + tag[i]);
            }
        }
        List<String[]> refs = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tag[i] == 7 && checked(utf8[first[i]])) {
                refs.add(new String[] {"class", utf8[first[i]], null, null});
            } else if (tag[i] == 9 || tag[i] == 10 || tag[i] == 11) {
                String owner = utf8[first[first[i]]];
                if (checked(owner)) {
                    int nameAndType = second[i];
                    refs.add(new String[] {tag[i] == 9 ? "field" : "method", owner,
                            utf8[first[nameAndType]], utf8[second[nameAndType]]});
                }
            }
        }
        return refs;
    }

    private static boolean checked(String internalName) {
        String name = internalName.replaceFirst("^\\[+L", "");
        return CHECKED.stream().anyMatch(name::startsWith);
    }

    /** Null if the reference resolves, else what is missing. */
    private static String resolve(String[] ref) {
        String owner = ref[1].replaceFirst("^\\[+L", "").replace(";", "").replace('/', '.');
        Class<?> type;
        try {
            type = Class.forName(owner, false, CompatLinkageTest.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "class " + owner + " is missing";
        }
        if (ref[0].equals("class")) {
            return null;
        }
        for (Class<?> c : hierarchy(type)) {
            if (ref[0].equals("field")) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(ref[2]) && descriptor(f.getType()).equals(ref[3])) {
                        return null;
                    }
                }
            } else if (ref[2].equals("<init>")) {
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (c == type && descriptor(k.getParameterTypes(), void.class).equals(ref[3])) {
                        return null;
                    }
                }
            } else {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.getName().equals(ref[2]) && descriptor(m.getParameterTypes(), m.getReturnType()).equals(ref[3])) {
                        return null;
                    }
                }
            }
        }
        return ref[0] + " " + owner + "." + ref[2] + ref[3] + " is missing";
    }

    /** The class, its superclasses, then every interface they implement: where the JVM looks. */
    private static List<Class<?>> hierarchy(Class<?> type) {
        List<Class<?>> order = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            order.add(c);
        }
        Deque<Class<?>> interfaces = new ArrayDeque<>();
        order.forEach(c -> interfaces.addAll(List.of(c.getInterfaces())));
        Set<Class<?>> seen = new HashSet<>(order);
        while (!interfaces.isEmpty()) {
            Class<?> i = interfaces.poll();
            if (seen.add(i)) {
                order.add(i);
                interfaces.addAll(List.of(i.getInterfaces()));
            }
        }
        if (type.isInterface()) {
            order.add(Object.class);
        }
        return order;
    }

    private static String descriptor(Class<?>[] parameters, Class<?> returns) {
        StringBuilder d = new StringBuilder("(");
        for (Class<?> p : parameters) {
            d.append(descriptor(p));
        }
        return d.append(')').append(descriptor(returns)).toString();
    }

    private static String descriptor(Class<?> type) {
        return type.descriptorString();
    }
}
