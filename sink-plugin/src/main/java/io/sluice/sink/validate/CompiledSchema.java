package io.sluice.sink.validate;

import com.networknt.schema.regex.RegularExpressions;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;

/**
 * A schema compiled into plain checks for the keywords event schemas use, so that the common case,
 * a valid document, is decided without networknt's validator: that one builds a path object for
 * every keyword it evaluates, and costs several times what these checks do.
 *
 * <p>It is a shortcut, not a second validator: networknt stays the authority. A check answers
 * {@link Verdict#UNKNOWN} wherever it is not certain: a keyword it does not compile (format,
 * patternProperties, unevaluatedProperties, a remote or anchored $ref, ...), a number it would have
 * to compare as a fraction, enum values that are objects, a document past the evaluation limits.
 * Only a {@link Verdict#VALID} document skips networknt; every other one is validated there,
 * which also writes the errors. What it does compile it evaluates exactly, in three-valued logic,
 * so that {@code not} and {@code oneOf} stay exact; CompiledSchemaTest checks that against
 * networknt on generated documents.
 *
 * <p>Thread-safe once compiled.
 */
final class CompiledSchema {

  /** One keyword, or one schema: a pure function of the instance. */
  interface Check {
    Verdict test(JsonNode instance, Budget budget);
  }

  /**
   * What one validation may still spend. networknt counts its steps differently (a step per schema
   * applied as well as per keyword: about four of its steps to one of these on a large {@code
   * fields} object), and a document past its limit is invalid. So the shortcut gives up at a
   * sixteenth of that limit, far below any document networknt would stop, and leaves larger ones to
   * networknt to decide; the event documents the shortcut exists for take a few hundred steps.
   */
  static final class Budget {
    static final long MAX_STEPS = DocumentSchema.MAX_STEPS / 16;

    private long steps;
    private int depth;
    private boolean exhausted;

    /** Counts one keyword's evaluation; false (and the validation undecided) past the limit. */
    boolean step() {
      if (++steps > MAX_STEPS) {
        exhausted = true;
      }
      return !exhausted;
    }
  }

  private static final Check VALID = (i, b) -> Verdict.VALID;
  private static final Check INVALID = (i, b) -> Verdict.INVALID;
  private static final Check UNKNOWN = (i, b) -> Verdict.UNKNOWN;

  /** Keywords that only annotate: no instance fails them. */
  private static final Set<String> ANNOTATIONS = Set.of("$schema", "$comment", "title",
      "description", "default", "examples", "deprecated", "$defs", "definitions");

  private final Check root;

  private CompiledSchema(Check root) {
    this.root = root;
  }

  /** Compiles {@code schema}, a draft 2020-12 schema unless {@code draft07}. Never throws. */
  static CompiledSchema compile(JsonNode schema, boolean draft07) {
    return new CompiledSchema(new Compiler(schema, draft07).schema(schema, true));
  }

  /** The verdict on {@code document}: VALID only when it certainly is. */
  Verdict test(JsonNode document) {
    Budget budget = new Budget();
    Verdict v = root.test(document, budget);
    return budget.exhausted ? Verdict.UNKNOWN : v;
  }

  private static final class Compiler {
    private final JsonNode root;
    private final boolean draft07;
    private final Map<String, RefCheck> refs = new HashMap<>();

    Compiler(JsonNode root, boolean draft07) {
      this.root = root;
      this.draft07 = draft07;
    }

    Check schema(JsonNode s, boolean isRoot) {
      if (s.isBoolean()) {
        return s.booleanValue() ? VALID : INVALID;
      }
      if (!s.isObject()) {
        return UNKNOWN;
      }
      JsonNode ref = s.get("$ref");
      if (ref != null && draft07) {
        return ref(ref); // draft-07: a $ref's siblings are ignored
      }
      List<Check> checks = new ArrayList<>();
      if (ref != null) {
        checks.add(ref(ref));
      }
      for (Map.Entry<String, JsonNode> e : s.properties()) {
        String k = e.getKey();
        JsonNode v = e.getValue();
        if (ANNOTATIONS.contains(k) || k.equals("$ref") || (isRoot && k.equals("$id"))) {
          continue;
        }
        Check c = keyword(k, v, s);
        if (c != null) {
          checks.add(c);
        }
      }
      return all(checks);
    }

    /** The check of keyword {@code k}; null when another keyword's check covers it. */
    private Check keyword(String k, JsonNode v, JsonNode s) {
      switch (k) {
        case "type":
          return Type.of(v);
        case "enum":
          return v.isArray() ? new OneOfValues(v) : UNKNOWN;
        case "const":
          return new OneOfValues(List.of(v));
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
          return v.isNumber() ? new Bound(k, v.decimalValue()) : UNKNOWN;
        case "minLength", "maxLength":
          return count(v) < 0 ? UNKNOWN : new Length(k.equals("minLength"), count(v));
        case "pattern":
          return v.isString() ? pattern(v.stringValue()) : UNKNOWN;
        case "required":
          return names(v) == null ? UNKNOWN : new Required(names(v));
        case "properties", "additionalProperties":
          if (s.has("patternProperties")) {
            return UNKNOWN;
          }
          return k.equals("properties") || !s.has("properties") ? properties(s) : null;
        case "minProperties", "maxProperties":
          return count(v) < 0 ? UNKNOWN : new Size(k.equals("minProperties"), count(v), true);
        case "minItems", "maxItems":
          return count(v) < 0 ? UNKNOWN : new Size(k.equals("minItems"), count(v), false);
        case "items":
          return v.isArray() || s.has("prefixItems") ? UNKNOWN : new Items(schema(v, false));
        case "dependentRequired":
          return draft07 ? UNKNOWN : dependencies(v, true);
        case "dependentSchemas":
          return draft07 ? UNKNOWN : dependencies(v, false);
        case "dependencies":
          return draft07 ? dependencies(v, false) : UNKNOWN;
        case "allOf", "anyOf", "oneOf":
          return v.isArray() && !v.isEmpty() ? new Combination(k, schemas(v)) : UNKNOWN;
        case "not":
          return new Not(schema(v, false));
        case "if":
          return new IfThenElse(schema(v, false), s.has("then") ? schema(s.get("then"), false) : VALID,
              s.has("else") ? schema(s.get("else"), false) : VALID);
        case "then", "else":
          return null; // without "if", nothing; with it, compiled there
        default:
          return UNKNOWN; // format, contentEncoding, patternProperties, unevaluated*, ...
      }
    }

    private Check ref(JsonNode ref) {
      if (!ref.isString() || !ref.stringValue().startsWith("#") || ref.stringValue().indexOf('%') >= 0) {
        return UNKNOWN; // another file, an anchor, an escaped pointer: networknt resolves those
      }
      String pointer = ref.stringValue().substring(1);
      RefCheck known = refs.get(pointer);
      if (known != null) {
        return known;
      }
      RefCheck c = new RefCheck();
      refs.put(pointer, c); // before compiling the target: a schema may refer to itself
      JsonNode target;
      try {
        target = root.at(JsonPointer.compile(pointer));
      } catch (IllegalArgumentException e) {
        target = null;
      }
      c.target = target == null || target.isMissingNode() ? UNKNOWN : schema(target, false);
      return c;
    }

    private Check properties(JsonNode s) {
      Map<String, Check> named = new HashMap<>();
      JsonNode props = s.get("properties");
      if (props != null) {
        if (!props.isObject()) {
          return UNKNOWN;
        }
        for (Map.Entry<String, JsonNode> e : props.properties()) {
          named.put(e.getKey(), schema(e.getValue(), false));
        }
      }
      JsonNode additional = s.get("additionalProperties");
      return new Properties(named, additional == null ? null : schema(additional, false));
    }

    private Check dependencies(JsonNode v, boolean namesOnly) {
      if (!v.isObject()) {
        return UNKNOWN;
      }
      List<Check> checks = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        JsonNode d = e.getValue();
        Check then;
        if (d.isArray()) {
          String[] names = names(d);
          then = names == null ? UNKNOWN : new Required(names);
        } else {
          then = namesOnly ? UNKNOWN : schema(d, false);
        }
        checks.add(new Dependency(e.getKey(), then));
      }
      return all(checks);
    }

    private Check[] schemas(JsonNode array) {
      Check[] out = new Check[array.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = schema(array.get(i), false);
      }
      return out;
    }
  }

  private static Check all(List<Check> checks) {
    return checks.size() == 1 ? checks.get(0) : new Combination("allOf", checks.toArray(new Check[0]));
  }

  private static Check pattern(String regex) {
    try {
      // Exactly as networknt's default (JDKRegularExpression): '$' made an end-of-input anchor
      // (java.util.regex's also matches before a final line end: "main\n" would pass
      // "^[a-z]+$"), long-form property names rewritten; java.util.regex, unanchored.
      Pattern p = Pattern.compile(RegularExpressions.replaceLongformCharacterProperties(
          RegularExpressions.replaceDollarAnchors(regex)));
      return new Matches(p);
    } catch (PatternSyntaxException e) {
      return UNKNOWN;
    }
  }

  private static int count(JsonNode v) {
    return v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0 ? v.intValue() : -1;
  }

  private static String[] names(JsonNode v) {
    if (!v.isArray()) {
      return null;
    }
    String[] out = new String[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isString()) {
        return null;
      }
      out[i] = v.get(i).stringValue();
    }
    return out;
  }

  /** A keyword's check: one evaluation step of the budget, then its own test. */
  private abstract static class Step implements Check {
    @Override
    public final Verdict test(JsonNode instance, Budget budget) {
      return budget.step() ? evaluate(instance, budget) : Verdict.UNKNOWN;
    }

    abstract Verdict evaluate(JsonNode instance, Budget budget);
  }

  /** A $ref, resolved once its target is compiled. */
  private static final class RefCheck implements Check {
    Check target;

    @Override
    public Verdict test(JsonNode instance, Budget budget) {
      if (++budget.depth > DocumentSchema.MAX_DEPTH) {
        budget.exhausted = true;
        return Verdict.UNKNOWN;
      }
      try {
        return target.test(instance, budget);
      } finally {
        budget.depth--;
      }
    }
  }

  private static final class Type extends Step {
    private static final int NULL = 1, BOOLEAN = 2, STRING = 4, OBJECT = 8, ARRAY = 16, INTEGER = 32, NUMBER = 64;
    private final int allowed;

    private Type(int allowed) {
      this.allowed = allowed;
    }

    static Check of(JsonNode v) {
      int mask = 0;
      if (v.isString()) {
        mask = bit(v.stringValue());
      } else if (v.isArray()) {
        for (JsonNode t : v) {
          mask |= t.isString() ? bit(t.stringValue()) : -1;
        }
      } else {
        mask = -1;
      }
      return mask <= 0 ? UNKNOWN : new Type(mask);
    }

    private static int bit(String name) {
      return switch (name) {
        case "null" -> NULL;
        case "boolean" -> BOOLEAN;
        case "string" -> STRING;
        case "object" -> OBJECT;
        case "array" -> ARRAY;
        case "integer" -> INTEGER;
        case "number" -> NUMBER;
        default -> -1;
      };
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (i.isNumber()) {
        if ((allowed & NUMBER) != 0) {
          return Verdict.VALID;
        }
        if (i.isIntegralNumber()) {
          return Verdict.of((allowed & INTEGER) != 0);
        }
        // 1.0 is an integer to JSON Schema; whether networknt agrees is its to say
        return (allowed & INTEGER) != 0 ? Verdict.UNKNOWN : Verdict.INVALID;
      }
      int bit = i.isString() ? STRING : i.isObject() ? OBJECT : i.isArray() ? ARRAY
          : i.isBoolean() ? BOOLEAN : i.isNull() ? NULL : 0;
      return Verdict.of((allowed & bit) != 0);
    }
  }

  /** enum, and const (one value). */
  private static final class OneOfValues extends Step {
    private final JsonNode[] values;

    OneOfValues(Iterable<JsonNode> values) {
      List<JsonNode> list = new ArrayList<>();
      values.forEach(list::add);
      this.values = list.toArray(new JsonNode[0]);
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      Verdict v = Verdict.INVALID;
      for (JsonNode value : values) {
        Verdict same = same(i, value);
        if (same == Verdict.VALID) {
          return Verdict.VALID;
        }
        if (same == Verdict.UNKNOWN) {
          v = Verdict.UNKNOWN;
        }
      }
      return v;
    }

    /** JSON equality where it is plain: strings, booleans, null, integers; else UNKNOWN. */
    private static Verdict same(JsonNode a, JsonNode b) {
      if (a.getNodeType() != b.getNodeType()) {
        return Verdict.INVALID;
      }
      if (a.isString()) {
        return Verdict.of(a.stringValue().equals(b.stringValue()));
      }
      if (a.isBoolean()) {
        return Verdict.of(a.booleanValue() == b.booleanValue());
      }
      if (a.isNull()) {
        return Verdict.VALID;
      }
      if (a.isIntegralNumber() && b.isIntegralNumber()) {
        return Verdict.of(a.bigIntegerValue().equals(b.bigIntegerValue()));
      }
      return Verdict.UNKNOWN; // fractions, objects, arrays
    }
  }

  /** minimum, maximum, exclusiveMinimum, exclusiveMaximum. */
  private static final class Bound extends Step {
    private final boolean lower;
    private final boolean exclusive;
    private final BigDecimal bound;
    private final boolean longBound; // the bound is an integer a long holds: compared as longs
    private final long bound64;

    Bound(String keyword, BigDecimal bound) {
      this.lower = keyword.endsWith("inimum");
      this.exclusive = keyword.startsWith("exclusive");
      this.bound = bound;
      boolean integral = bound.signum() == 0 || bound.stripTrailingZeros().scale() <= 0;
      long b = 0;
      boolean fits = false;
      if (integral) {
        try {
          b = bound.longValueExact();
          fits = true;
        } catch (ArithmeticException e) {
          fits = false;
        }
      }
      this.longBound = fits;
      this.bound64 = b;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (!i.isNumber()) {
        return Verdict.VALID;
      }
      if (!i.isIntegralNumber()) {
        return Verdict.UNKNOWN; // a fraction: networknt compares those its own way
      }
      int c = longBound && i.canConvertToLong()
          ? Long.compare(i.longValue(), bound64)
          : new BigDecimal(i.bigIntegerValue()).compareTo(bound);
      boolean ok = lower ? (exclusive ? c > 0 : c >= 0) : (exclusive ? c < 0 : c <= 0);
      return Verdict.of(ok);
    }
  }

  /** minLength, maxLength: in code points, as JSON Schema counts. */
  private static final class Length extends Step {
    private final boolean min;
    private final int limit;

    Length(boolean min, int limit) {
      this.min = min;
      this.limit = limit;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (!i.isString()) {
        return Verdict.VALID;
      }
      String s = i.stringValue();
      // a string's code points are between half its chars and its chars: count only in between
      if (min ? s.length() / 2 >= limit : s.length() <= limit) {
        return Verdict.VALID;
      }
      int n = s.codePointCount(0, s.length());
      return Verdict.of(min ? n >= limit : n <= limit);
    }
  }

  private static final class Matches extends Step {
    private final Pattern pattern;

    Matches(Pattern pattern) {
      this.pattern = pattern;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      return i.isString() ? Verdict.of(pattern.matcher(i.stringValue()).find()) : Verdict.VALID;
    }
  }

  private static final class Required extends Step {
    private final String[] names;

    Required(String[] names) {
      this.names = names;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (!i.isObject()) {
        return Verdict.VALID;
      }
      for (String n : names) {
        if (!i.has(n)) {
          return Verdict.INVALID;
        }
      }
      return Verdict.VALID;
    }
  }

  /** properties and additionalProperties together: "additional" means not among the named. */
  private static final class Properties extends Step {
    private final Map<String, Check> named;
    private final Check additional; // null: any

    Properties(Map<String, Check> named, Check additional) {
      this.named = Map.copyOf(named);
      this.additional = additional;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (!i.isObject()) {
        return Verdict.VALID;
      }
      Verdict v = Verdict.VALID;
      for (Map.Entry<String, JsonNode> e : i.properties()) {
        Check c = named.get(e.getKey());
        if (c == null) {
          c = additional;
        }
        if (c != null) {
          v = v.and(c.test(e.getValue(), budget));
          if (v == Verdict.INVALID) {
            return v;
          }
        }
      }
      return v;
    }
  }

  /** minProperties, maxProperties, minItems, maxItems. */
  private static final class Size extends Step {
    private final boolean min;
    private final int limit;
    private final boolean ofObject;

    Size(boolean min, int limit, boolean ofObject) {
      this.min = min;
      this.limit = limit;
      this.ofObject = ofObject;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (ofObject ? !i.isObject() : !i.isArray()) {
        return Verdict.VALID;
      }
      return Verdict.of(min ? i.size() >= limit : i.size() <= limit);
    }
  }

  private static final class Items extends Step {
    private final Check each;

    Items(Check each) {
      this.each = each;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      if (!i.isArray()) {
        return Verdict.VALID;
      }
      Verdict v = Verdict.VALID;
      for (JsonNode item : i) {
        v = v.and(each.test(item, budget));
        if (v == Verdict.INVALID) {
          return v;
        }
      }
      return v;
    }
  }

  /** dependentRequired, dependentSchemas, draft-07's dependencies: when a property is there. */
  private static final class Dependency extends Step {
    private final String name;
    private final Check then;

    Dependency(String name, Check then) {
      this.name = name;
      this.then = then;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      return i.isObject() && i.has(name) ? then.test(i, budget) : Verdict.VALID;
    }
  }

  /** allOf, anyOf, oneOf (and a schema's keywords, which all must hold). */
  private static final class Combination extends Step {
    private final int kind; // ALL_OF, ANY_OF, ONE_OF: compared per call, so not a String
    private final Check[] parts;

    private static final int ALL_OF = 0, ANY_OF = 1, ONE_OF = 2;

    Combination(String keyword, Check[] parts) {
      this.kind = keyword.equals("allOf") ? ALL_OF : keyword.equals("anyOf") ? ANY_OF : ONE_OF;
      this.parts = parts;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      return switch (kind) {
        case ALL_OF -> allOf(i, budget);
        case ANY_OF -> anyOf(i, budget);
        default -> oneOf(i, budget);
      };
    }

    private Verdict allOf(JsonNode i, Budget budget) {
      Verdict v = Verdict.VALID;
      for (Check c : parts) {
        v = v.and(c.test(i, budget));
        if (v == Verdict.INVALID) {
          return v;
        }
      }
      return v;
    }

    private Verdict anyOf(JsonNode i, Budget budget) {
      Verdict v = Verdict.INVALID;
      for (Check c : parts) {
        Verdict p = c.test(i, budget);
        if (p == Verdict.VALID) {
          return p;
        }
        if (p == Verdict.UNKNOWN) {
          v = p;
        }
      }
      return v;
    }

    private Verdict oneOf(JsonNode i, Budget budget) {
      int valid = 0;
      for (Check c : parts) {
        Verdict p = c.test(i, budget);
        if (p == Verdict.UNKNOWN) {
          return p; // how many hold is not known
        }
        if (p == Verdict.VALID && ++valid > 1) {
          return Verdict.INVALID;
        }
      }
      return Verdict.of(valid == 1);
    }
  }

  private static final class Not extends Step {
    private final Check inner;

    Not(Check inner) {
      this.inner = inner;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      return inner.test(i, budget).not();
    }
  }

  private static final class IfThenElse extends Step {
    private final Check condition;
    private final Check then;
    private final Check otherwise;

    IfThenElse(Check condition, Check then, Check otherwise) {
      this.condition = condition;
      this.then = then;
      this.otherwise = otherwise;
    }

    @Override
    Verdict evaluate(JsonNode i, Budget budget) {
      return switch (condition.test(i, budget)) {
        case VALID -> then.test(i, budget);
        case INVALID -> otherwise.test(i, budget);
        case UNKNOWN -> Verdict.UNKNOWN;
      };
    }
  }
}
