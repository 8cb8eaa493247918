/**
 * Executing tasks: binding JSON arguments to task methods and calling them.
 */
@NullMarked
package dev.kafkatask.execution;

import org.jspecify.annotations.NullMarked;
