/**
 * bftkit's value types and errors: {@link dev.bftkit.api.NodeId}, {@link dev.bftkit.api.Committee} with its quorum
 * arithmetic, {@link dev.bftkit.api.InstanceId}, {@link dev.bftkit.api.Decision}, {@link dev.bftkit.api.Outbound},
 * {@link dev.bftkit.api.FaultLog}, and the sealed {@link dev.bftkit.api.BftException} family.
 */
package dev.bftkit.api;
