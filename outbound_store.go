package vivier

// OutboundPolicy returns the rule the store checks tenants' addresses with;
// the worker dials by the same one.
func (s *Store) OutboundPolicy() OutboundPolicy { return s.outbound }
