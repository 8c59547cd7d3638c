// The Wizard module.
