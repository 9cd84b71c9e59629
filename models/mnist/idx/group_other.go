//go:build !unix

package idx

import "os/exec"

// ownGroup leaves cmd as it is: without process groups, cancelling its
// context kills cmd alone (exec.CommandContext's default).
func ownGroup(cmd *exec.Cmd) {}

// killGroup does nothing where there are no process groups.
func killGroup(cmd *exec.Cmd) {}
