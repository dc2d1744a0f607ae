{{/* The prefix of every object's name. */}}
{{- define "hapair.fullname" -}}
{{- if contains "hapair" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-hapair" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hapair.labels" -}}
app.kubernetes.io/name: hapair
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "hapair.operatorSelector" -}}
app.kubernetes.io/name: hapair
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "hapair.agentSelector" -}}
app.kubernetes.io/name: hapair
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end -}}

{{- define "hapair.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s/hapair-%s:%s" .root.Values.image.registry .component $tag -}}
{{- end -}}

{{- /* A CRD's metadata lines: the chart's labels, and kept by Helm when crds.keep. */ -}}
{{- define "hapair.crdMetadata" -}}
{{ printf "\n" }}metadata:
  labels:
    {{- include "hapair.labels" . | nindent 4 }}
  {{- if .Values.crds.keep }}
  annotations:
    # Deleting a CRD deletes every HAPair: uninstalling the chart leaves them.
    helm.sh/resource-policy: keep
  {{- end }}
{{ end -}}

{{/* Trust: the policy flags the operator and the agent both take (docs/design/0007). */}}
{{- define "hapair.trustArgs" -}}
{{- if .Values.trust.allowCommands }}
- --allow-commands
{{- end }}
{{- range .Values.trust.allowedDisks }}
- {{ printf "--allowed-disk=%s" . | quote }}
{{- end }}
{{- end -}}

{{/* The served namespaces, comma-separated: the release namespace by default, none for "*" (all). */}}
{{- define "hapair.servedNamespaces" -}}
{{- if has "*" .Values.trust.servedNamespaces -}}
{{- else if .Values.trust.servedNamespaces -}}
{{- join "," .Values.trust.servedNamespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* Where the agent's /metrics, /healthz and /readyz listen (trust.agentMetricsBind). */}}
{{- define "hapair.agentMetricsHost" -}}
{{- if eq .Values.trust.agentMetricsBind "loopback" -}}
{{- if .Values.metrics.podMonitor.enabled -}}
{{- fail "trust.agentMetricsBind loopback cannot be scraped by a PodMonitor: use hostIP, or turn metrics.podMonitor off" -}}
{{- end -}}
127.0.0.1
{{- else if eq .Values.trust.agentMetricsBind "all" -}}
0.0.0.0
{{- else -}}
$(HOST_IP)
{{- end -}}
{{- end -}}
