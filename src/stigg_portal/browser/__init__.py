"""The only package that touches the browser runtime (``js``, ``pyodide``); imported only there."""
