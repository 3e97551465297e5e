package io.clawbot.coordinator.adapters.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conditions in CEL (the Common Expression Language): each variable is a JSON object ({@code map(string, dyn)}),
 * the result must be a boolean, numbers compare across int and double, and a comprehension ({@code all},
 * {@code exists}, {@code map}, {@code filter}) runs at most {@link #MAX_ITERATIONS} times. CEL has no I/O and no
 * other loops, so a condition's cost is bounded by its length and its data. Compiled programs are kept, a bounded
 * number of them.
 */
public final class CelConditions implements Conditions {

    public static final int MAX_ITERATIONS = 1000;
    private static final int MAX_PROGRAMS = 2000;
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
            .build();

    private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

    @Override
    public void check(String field, String expression, Set<String> variables) {
        if (expression == null || expression.isBlank()) {
            throw new ValidationException(field, "must be a non-empty CEL expression");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new ValidationException(field, "must be at most " + MAX_LENGTH + " characters");
        }
        compile(field, expression, variables);
    }

    @Override
    public Outcome evaluate(String expression, Map<String, Object> variables) {
        try {
            CelRuntime.Program program = compile("condition", expression, variables.keySet());
            Object value = program.eval(plain(variables));
            return value instanceof Boolean b ? Outcome.of(b) : new Outcome(false, "gave " + value + ", not a boolean");
        } catch (CelEvaluationException e) {
            return new Outcome(false, e.getMessage());
        } catch (ValidationException e) {
            return new Outcome(false, e.detail());
        }
    }

    private CelRuntime.Program compile(String field, String expression, Set<String> variables) {
        String key = new TreeSet<>(variables) + "\u0000" + expression;
        CelRuntime.Program cached = programs.get(key);
        if (cached != null) {
            return cached;
        }
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS).setResultType(SimpleType.BOOL);
        for (String variable : variables) {
            builder.addVar(variable, MapType.create(SimpleType.STRING, SimpleType.DYN));
        }
        CelCompiler compiler = builder.build();
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(expression).getAst();
        } catch (CelValidationException e) {
            String why = e.getMessage().replace("<input>", "").strip();
            throw new ValidationException(field, "is not a valid condition over " + String.join(", ",
                    new TreeSet<>(variables)) + ": " + (why.length() > 500 ? why.substring(0, 500) + "…" : why));
        }
        try {
            CelRuntime.Program program = RUNTIME.createProgram(ast);
            if (programs.size() >= MAX_PROGRAMS) {
                programs.clear();
            }
            programs.put(key, program);
            return program;
        } catch (CelEvaluationException e) {
            throw new ValidationException(field, "cannot be evaluated: " + e.getMessage());
        }
    }

    /** JSON values as CEL takes them: integers as long, decimals as double, nested maps and lists alike. */
    static Map<String, Object> plain(Map<String, Object> variables) {
        Map<String, Object> out = new LinkedHashMap<>();
        variables.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    private static Object value(Object v) {
        return switch (v) {
            case null -> dev.cel.common.values.NullValue.NULL_VALUE;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger big -> big.bitLength() < 64 ? big.longValue() : big.doubleValue();
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                l.forEach(x -> out.add(value(x)));
                yield out;
            }
            default -> v;
        };
    }
}
