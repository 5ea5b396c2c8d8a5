package entra

// Group is a group as Entra sends it: Entra matches groups on displayName
// and sends their object id as externalId. Members are added after the
// group is created (docs/entra.md §4.2).
type Group struct {
	DisplayName string
	ExternalID  string
}

// Body returns the group as Entra POSTs it: without members, with
// Microsoft's extra schema URI and client-side meta.
func (g Group) Body() map[string]any {
	body := g.Attributes()
	body["schemas"] = []any{GroupSchema, MicrosoftGroupSchema}
	body["meta"] = map[string]any{"resourceType": "Group"}
	return body
}

// Attributes returns the group's attributes in the canonical form the bridge
// stores and returns them, without members.
func (g Group) Attributes() map[string]any {
	res := map[string]any{"displayName": g.DisplayName}
	if g.ExternalID != "" {
		res["externalId"] = g.ExternalID
	}
	return res
}
