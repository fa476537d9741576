namespace LlmSpell.Tools.Resolution;

/// <summary>How a tool step's tool was chosen.</summary>
public enum ToolResolutionRoute
{
    /// <summary>The step named the tool (an explicit tool name or the simple format's <c>tool</c> field).</summary>
    Named,

    /// <summary>The step's name is a registered tool's name.</summary>
    StepName,

    /// <summary>The step's name is a registered tool's alias.</summary>
    Alias,

    /// <summary>A model chose the tool (and its arguments) from the step's description by function calling.</summary>
    Dynamic,
}
