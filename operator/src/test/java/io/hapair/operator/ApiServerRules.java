package io.hapair.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks a real API server makes on an object's metadata and that fabric8's mock server skips
 * (apimachinery's validation: {@code ValidateObjectMeta}, {@code ValidateLabels}, {@code
 * ValidateAnnotations}), so a test fails where a real cluster would refuse the write.
 */
public final class ApiServerRules {
  /** A DNS-1123 subdomain: what most kinds' names must be. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** A DNS-1123 label: namespaces' names (and Services'), at most 63 characters. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** A label's name part, and a label value (which may also be empty). */
  private static final Pattern QUALIFIED =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  /** Kinds whose names must be DNS-1123 labels rather than subdomains. */
  private static final Set<String> LABEL_NAMED = Set.of("Namespace", "Service");

  static final int SUBDOMAIN_MAX = 253;
  static final int LABEL_MAX = 63;
  static final int ANNOTATIONS_MAX_BYTES = 256 * 1024;

  private ApiServerRules() {}

  /** What a real API server would refuse in {@code o}'s metadata; empty if nothing. */
  public static List<String> violations(HasMetadata o) {
    List<String> problems = new ArrayList<>();
    ObjectMeta m = o.getMetadata();
    String what = o.getKind() + " " + m.getNamespace() + "/" + m.getName();
    String name = m.getName();
    if (name != null) {
      boolean labelNamed = LABEL_NAMED.contains(o.getKind());
      int max = labelNamed ? LABEL_MAX : SUBDOMAIN_MAX;
      if (name.length() > max) {
        problems.add(what + ": name longer than " + max + " characters (" + name.length() + ")");
      }
      if (!(labelNamed ? LABEL : SUBDOMAIN).matcher(name).matches()) {
        problems.add(what + ": name is not a DNS-1123 " + (labelNamed ? "label" : "subdomain"));
      }
    }
    if (m.getLabels() != null) {
      for (Map.Entry<String, String> label : m.getLabels().entrySet()) {
        String keyProblem = qualifiedNameProblem(label.getKey());
        if (keyProblem != null) {
          problems.add(what + ": label key " + label.getKey() + ": " + keyProblem);
        }
        String value = label.getValue() == null ? "" : label.getValue();
        if (value.length() > LABEL_MAX) {
          problems.add(
              what + ": label " + label.getKey() + " value longer than 63 characters: " + value);
        } else if (!value.isEmpty() && !QUALIFIED.matcher(value).matches()) {
          problems.add(what + ": label " + label.getKey() + " value is not valid: " + value);
        }
      }
    }
    if (m.getAnnotations() != null) {
      long bytes = 0;
      for (Map.Entry<String, String> a : m.getAnnotations().entrySet()) {
        String keyProblem = qualifiedNameProblem(a.getKey());
        if (keyProblem != null) {
          problems.add(what + ": annotation key " + a.getKey() + ": " + keyProblem);
        }
        bytes += a.getKey().getBytes(StandardCharsets.UTF_8).length;
        bytes += a.getValue() == null ? 0 : a.getValue().getBytes(StandardCharsets.UTF_8).length;
      }
      if (bytes > ANNOTATIONS_MAX_BYTES) {
        problems.add(what + ": annotations total " + bytes + " bytes, more than 256 KiB");
      }
    }
    return problems;
  }

  /** A label or annotation key: an optional DNS subdomain prefix and "/", then a name. */
  private static String qualifiedNameProblem(String key) {
    int slash = key.indexOf('/');
    String prefix = slash < 0 ? null : key.substring(0, slash);
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (prefix != null
        && (prefix.isEmpty()
            || prefix.length() > SUBDOMAIN_MAX
            || !SUBDOMAIN.matcher(prefix).matches())) {
      return "prefix is not a DNS-1123 subdomain";
    }
    if (name.isEmpty() || name.length() > LABEL_MAX) {
      return "name part must be 1 to 63 characters";
    }
    if (!QUALIFIED.matcher(name).matches()) {
      return "name part must be alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
    }
    return null;
  }
}
